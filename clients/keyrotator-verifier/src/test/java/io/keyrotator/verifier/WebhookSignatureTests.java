package io.keyrotator.verifier;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class WebhookSignatureTests {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Clock AT_SIGNING = Clock.fixed(Instant.ofEpochSecond(1614265330), ZoneOffset.UTC);

    @Test
    void theStandardWebhooksTestVectorVerifies() {
        WebhookSignature signature = new WebhookSignature(List.of(SECRET), Duration.ofMinutes(5), AT_SIGNING);

        assertThat(signature.verifies(ID, "1614265330", SIGNATURE, BODY)).isTrue();
    }

    @Test
    void anyOfSeveralSecretsAndSignaturesVerifiesDuringASecretRotation() {
        WebhookSignature signature = new WebhookSignature(
                List.of("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]), SECRET),
                Duration.ofMinutes(5),
                AT_SIGNING);

        assertThat(signature.verifies(ID, "1614265330", "v1,bm90IGl0 " + SIGNATURE, BODY))
                .isTrue();
    }

    @Test
    void aChangedBodyIdOrTimestampOrAStaleDeliveryDoesNot() {
        WebhookSignature signature = new WebhookSignature(List.of(SECRET), Duration.ofMinutes(5), AT_SIGNING);
        WebhookSignature later = new WebhookSignature(
                List.of(SECRET), Duration.ofMinutes(5), Clock.offset(AT_SIGNING, Duration.ofMinutes(6)));

        assertThat(signature.verifies(ID, "1614265330", SIGNATURE, "{\"test\": 1}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(signature.verifies("msg_other", "1614265330", SIGNATURE, BODY))
                .isFalse();
        assertThat(signature.verifies(ID, "1614265331", SIGNATURE, BODY)).isFalse();
        assertThat(later.verifies(ID, "1614265330", SIGNATURE, BODY)).isFalse();
        assertThat(signature.verifies(ID, "soon", SIGNATURE, BODY)).isFalse();
        assertThat(signature.verifies(ID, "1614265330", "v1,%%%", BODY)).isFalse();
        assertThat(signature.verifies(null, "1614265330", SIGNATURE, BODY)).isFalse();
        assertThat(new WebhookSignature(List.of(), Duration.ofMinutes(5), AT_SIGNING)
                        .verifies(ID, "1614265330", SIGNATURE, BODY))
                .as("no secret configured: nothing verifies")
                .isFalse();
    }
}
