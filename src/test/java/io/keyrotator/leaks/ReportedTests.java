package io.keyrotator.leaks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.rotation.protocol.KeyMaterial;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ReportedTests {

    private static final String VALUE = "pk_live_4fJ8sQ0xWmZr2yTn6uVb";

    @Test
    void aReportedValueHasTheFingerprintItsVersionWasRecordedWith() {
        assertThat(Reported.value(VALUE).fingerprint()).isEqualTo(KeyMaterial.fingerprintOf(VALUE));
    }

    @Test
    void aReportedHashIsTheSameLeakAsTheValueInEitherCase() {
        String hex = HexFormat.of().formatHex(Reported.sha256(VALUE));
        Reported byHash = Reported.sha256Hex(hex.toUpperCase());

        assertThat(byHash.fingerprint()).isEqualTo(KeyMaterial.fingerprintOf(VALUE));
        assertThat(byHash.is(VALUE)).isTrue();
        assertThat(byHash.is(VALUE + "x")).isFalse();
        assertThat(byHash.byValue()).isFalse();
        assertThat(Reported.value(VALUE).byValue()).isTrue();
    }

    @Test
    void aHashThatIsNot64HexDigitsIsRefused() {
        assertThat(Reported.isSha256Hex("ab")).isFalse();
        assertThat(Reported.isSha256Hex("g".repeat(64))).isFalse();
        assertThatThrownBy(() -> Reported.sha256Hex("0".repeat(63))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neitherTheReportNorTheRequestShowsTheValue() {
        assertThat(Reported.value(VALUE).toString()).doesNotContain(VALUE);
        assertThat(new LeakRequest(VALUE, null, "a paste", null).toString())
                .doesNotContain(VALUE)
                .contains("a paste");
        assertThat(new GithubLeaksController.GithubMatch(VALUE, "t", "u", "content").toString())
                .doesNotContain(VALUE);
    }
}
