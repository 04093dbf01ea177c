package io.keyrotator.rotation.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.GeneratorSpec;
import io.keyrotator.rotation.GeneratorSpec.Encoding;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyGeneratorTests {

    private final KeyGenerator generator = new KeyGenerator();

    @Test
    void base64urlKeysHaveTheUnpaddedLengthAndAlphabet() {
        String key = generator
                .generate(new GeneratorSpec(32, Encoding.BASE64URL, "", false))
                .reveal();

        assertThat(key).hasSize(43).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void hexKeysHaveTwoLowercaseDigitsPerByte() {
        String key = generator
                .generate(new GeneratorSpec(16, Encoding.HEX, "", false))
                .reveal();

        assertThat(key).hasSize(32).matches("[0-9a-f]+");
    }

    @Test
    void base62KeysCarryAtLeastTheRequestedEntropy() {
        String key = generator
                .generate(new GeneratorSpec(32, Encoding.BASE62, "", false))
                .reveal();

        assertThat(key).hasSize(43).matches("[0-9A-Za-z]+");
        assertThat(key.length() * Math.log(62) / Math.log(2)).isGreaterThanOrEqualTo(256);
    }

    @Test
    void prefixComesFirstAndChecksumLast() {
        String key = generator
                .generate(new GeneratorSpec(24, Encoding.BASE62, "pk_live_", true))
                .reveal();

        assertThat(key).startsWith("pk_live_");
        String body = key.substring(0, key.length() - 6);
        assertThat(key.substring(key.length() - 6))
                .isEqualTo(KeyGenerator.checksum(body))
                .matches("[0-9A-Za-z]{6}");
    }

    @Test
    void checksumRecognisesATypoOrATruncation() {
        String key = generator
                .generate(new GeneratorSpec(24, Encoding.BASE62, "pk_", true))
                .reveal();
        String body = key.substring(0, key.length() - 6);
        String checksum = key.substring(key.length() - 6);

        String typo = body.substring(0, 5) + (body.charAt(5) == 'a' ? 'b' : 'a') + body.substring(6);
        assertThat(KeyGenerator.checksum(typo)).isNotEqualTo(checksum);
        assertThat(KeyGenerator.checksum(body.substring(0, body.length() - 1))).isNotEqualTo(checksum);
    }

    @Test
    void keysDoNotRepeat() {
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(generator
                    .generate(new GeneratorSpec(16, Encoding.BASE64URL, "", false))
                    .reveal());
        }

        assertThat(keys).hasSize(10_000);
    }

    @Test
    void base62CharactersAreUniformlyDistributed() {
        assertUniform(Encoding.BASE62, KeyGenerator.BASE62);
    }

    @Test
    void base64urlCharactersAreUniformlyDistributed() {
        assertUniform(Encoding.BASE64URL, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    }

    @Test
    void hexCharactersAreUniformlyDistributed() {
        assertUniform(Encoding.HEX, "0123456789abcdef");
    }

    @Test
    void fingerprintIsTheFirst16HexCharactersOfSha256() {
        // sha256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
        assertThat(KeyMaterial.fingerprintOf("abc")).isEqualTo("ba7816bf8f01cfea");
        assertThat(KeyMaterial.of("abc").toString()).doesNotContain("abc\"").contains("ba7816bf8f01cfea");
    }

    /**
     * Pearson's chi-square over ~600,000 characters. For a uniform source the statistic stays below
     * the 0.9999 quantile (about df + 4.9·sqrt(2·df)), so a correct generator fails once in 10,000
     * runs; a modulo bias of 8/256 on base62 lands far above it.
     */
    private void assertUniform(Encoding encoding, String alphabet) {
        long[] counts = new long[128];
        long total = 0;
        for (int i = 0; i < 3_000; i++) {
            String key = generator
                    .generate(new GeneratorSpec(150, encoding, "", false))
                    .reveal();
            // the last base64url character carries fewer random bits: leave it out
            String body = encoding == Encoding.BASE64URL ? key.substring(0, key.length() - 1) : key;
            for (char c : body.toCharArray()) {
                counts[c]++;
                total++;
            }
        }
        double expected = (double) total / alphabet.length();
        double chiSquare = 0;
        for (char c : alphabet.toCharArray()) {
            chiSquare += Math.pow(counts[c] - expected, 2) / expected;
        }
        int df = alphabet.length() - 1;
        assertThat(chiSquare).isLessThan(df + 4.9 * Math.sqrt(2.0 * df));
    }
}
