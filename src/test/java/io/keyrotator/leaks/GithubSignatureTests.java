package io.keyrotator.leaks;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class GithubSignatureTests {

    private static final byte[] BODY = "[{\"token\":\"x\",\"type\":\"t\"}]".getBytes(StandardCharsets.UTF_8);

    @Test
    void aBodySignedByTheConfiguredKeyPassesAndAnyChangeFails() throws Exception {
        KeyPair pair = pair("secp256r1");
        GithubSignature signature = signature("k1", pair);
        String signed = sign(pair, BODY);

        assertThatCode(() -> signature.verify("k1", signed, BODY)).doesNotThrowAnyException();
        byte[] tampered = BODY.clone();
        tampered[3] ^= 1;
        assertThatThrownBy(() -> signature.verify("k1", signed, tampered))
                .isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> signature.verify("k2", signed, BODY)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> signature.verify(null, signed, BODY)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> signature.verify("k1", "%%%", BODY)).isInstanceOf(InvalidSignatureException.class);
        assertThatThrownBy(() -> signature.verify("k1", Base64.getEncoder().encodeToString(new byte[8]), BODY))
                .isInstanceOf(InvalidSignatureException.class);
    }

    @Test
    void aKeyThatIsNotP256OrNotAKeyStopsTheServiceFromStarting() throws Exception {
        assertThatThrownBy(() -> signature("k1", pair("secp384r1"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new GithubSignature(properties("k1", "not a pem")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("k1");
    }

    private static GithubSignature signature(String identifier, KeyPair pair) {
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(pair.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----";
        return new GithubSignature(properties(identifier, pem));
    }

    private static LeakProperties properties(String identifier, String pem) {
        return new LeakProperties(
                Duration.ofMinutes(1),
                Duration.ofSeconds(10),
                new LeakProperties.Github(List.of(new LeakProperties.PublicKey(identifier, pem)), 1000));
    }

    private static String sign(KeyPair pair, byte[] body) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(pair.getPrivate());
        signer.update(body);
        return Base64.getEncoder().encodeToString(signer.sign());
    }

    private static KeyPair pair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }
}
