package io.keyrotator.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignerTests {

    @Test
    void reproducesTheStandardWebhooksTestVector() {
        // published with the Standard Webhooks reference libraries
        String signature = Signer.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signsOncePerSecretSpaceSeparated() {
        String first = Signer.newSecret();
        String second = Signer.newSecret();
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);

        String header = Signer.signatures(List.of(first, second), "id", 1, body);

        assertThat(header.split(" "))
                .containsExactly(Signer.sign(first, "id", 1, body), Signer.sign(second, "id", 1, body));
    }

    @Test
    void newSecretsAreWhsecWith32RandomBytes() {
        String secret = Signer.newSecret();

        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        assertThat(Signer.newSecret()).isNotEqualTo(secret);
    }
}
