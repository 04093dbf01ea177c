package io.keyrotator.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class LogMaskTests {

    @Test
    void aSecretTheServiceKnowsIsMaskedWhereverItAppears() {
        String secret = "pw-" + UUID.randomUUID();
        LogMask.secret(secret);

        assertThat(LogMask.mask("connecting with " + secret + "!")).isEqualTo("connecting with [masked]!");
    }

    @Test
    void aKeyIsMaskedByItsFingerprintWithoutTheMaskHoldingTheKey() {
        String adopted = "any-shape-" + UUID.randomUUID().toString().replace("-", "");
        LogMask.keyValue(adopted);

        assertThat(LogMask.mask("Writing [{api_x=" + adopted + ", note=fine}]"))
                .isEqualTo("Writing [{api_x=[masked], note=fine}]");
        assertThat(LogMask.mask("value " + adopted + ".")).isEqualTo("value [masked].");
    }

    @Test
    void headersAndFieldsNamedLikeSecretsAreMasked() {
        assertThat(LogMask.mask("Authorization: Bearer abc.def-123\r\nHost: x"))
                .isEqualTo("Authorization: Bearer [masked]\r\nHost: x");
        assertThat(LogMask.mask("X-Vault-Token: s.opaque\n")).isEqualTo("X-Vault-Token: [masked]\n");
        assertThat(LogMask.mask("{\"url\":\"http://h/x\",\"authorization\":\"Basic dXNlcjpwdw==\"}"))
                .isEqualTo("{\"url\":\"http://h/x\",\"authorization\":\"Basic [masked]\"}");
        assertThat(LogMask.mask("{\"secret_id\":\"0f1e\", \"client_token\": \"t1\"}"))
                .isEqualTo("{\"secret_id\":\"[masked]\", \"client_token\": \"[masked]\"}");
        assertThat(LogMask.mask("password=hunter2&user=me")).isEqualTo("password=[masked]&user=me");
    }

    @Test
    void theShapesOfSecretsKeyrotatorIssuesAreMasked() {
        LogMask.keyPrefix("pk_test_");

        assertThat(LogMask.mask("got pk_test_Zq81bbXc0aa and whsec_QUJDREVGR0g= and s.AbCdEf1hIjKlMnOpQrStUvWx"))
                .isEqualTo("got [masked] and [masked] and [masked]");
    }

    @Test
    void whatOperatorsNeedToReadIsLeftAlone() {
        String line = "key payment-gateway version 3 fingerprint 0f3a9c1d2e4b5a69 at 2026-12-02T05:06:03.152Z"
                + " webhook " + UUID.randomUUID() + " by io.keyrotator.rotation.RotationEngine tokens=4";

        assertThat(LogMask.mask(line)).isEqualTo(line.replace("tokens=4", "tokens=[masked]"));
    }

    @Test
    void theEncoderMasksTheWholeEncodedLineWithItsStackTrace() {
        LoggerContext context = new LoggerContext();
        PatternLayoutEncoder pattern = new PatternLayoutEncoder();
        pattern.setContext(context);
        pattern.setPattern("%msg%n%ex");
        pattern.setCharset(StandardCharsets.UTF_8);
        String secret = "stack-" + UUID.randomUUID();
        LogMask.secret(secret);
        MaskingEncoder encoder = new MaskingEncoder(pattern);
        encoder.start();
        LoggingEvent event = new LoggingEvent(
                "test",
                context.getLogger("test"),
                ch.qos.logback.classic.Level.WARN,
                "failed: ü {}",
                new IllegalStateException("with " + secret),
                new Object[] {secret});

        String encoded = new String(encoder.encode(event), StandardCharsets.UTF_8);

        assertThat(encoded)
                .startsWith("failed: ü [masked]")
                .contains("with [masked]")
                .doesNotContain(secret);
    }
}
