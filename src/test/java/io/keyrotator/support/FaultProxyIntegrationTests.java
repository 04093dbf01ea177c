package io.keyrotator.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fault proxy in front of real OpenBao does what the ambiguity tests rely on: a write it
 * forwards is applied by OpenBao whatever becomes of the answer.
 */
class FaultProxyIntegrationTests {

    private static final OpenBaoExtension.SharedServer bao = OpenBaoExtension.server();
    private static final FaultProxy proxy = FaultProxy.start(bao.address());
    private static final HttpClient http = HttpClient.newHttpClient();

    private final String path = "secret/data/fault-proxy/" + UUID.randomUUID();

    @AfterEach
    void heal() {
        proxy.healthy();
    }

    @AfterAll
    static void stop() {
        proxy.close();
    }

    @Test
    void aResetAnswerHidesAWriteOpenBaoApplied() {
        proxy.loseAnswers(1.0, FaultProxy.Loss.RESET, Duration.ZERO);

        assertThatThrownBy(() -> write(0)).isInstanceOf(IOException.class);
        assertThat(proxy.answersLost()).isPositive();
        assertThat(version()).isEqualTo(1);
    }

    @Test
    void a504AnswersAWriteOpenBaoApplied() throws Exception {
        proxy.loseAnswers(1.0, FaultProxy.Loss.GATEWAY_TIMEOUT, Duration.ZERO);

        assertThat(write(0).statusCode()).isEqualTo(504);
        assertThat(version()).isEqualTo(1);
    }

    @Test
    void aWriteSentTwiceIsAnsweredWithTheSecondCasMismatch() throws Exception {
        proxy.loseAnswers(1.0, FaultProxy.Loss.SENT_TWICE, Duration.ZERO);

        HttpResponse<String> answer = write(0);

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("check-and-set");
        assertThat(version()).isEqualTo(1);
    }

    @Test
    void aLateAnswerComesAfterOpenBaoHasTheWrite() throws Exception {
        proxy.loseAnswers(1.0, FaultProxy.Loss.LATE, Duration.ofSeconds(2));

        long started = System.nanoTime();
        HttpResponse<String> answer = write(0);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(version()).isEqualTo(1);
    }

    private HttpResponse<String> write(int cas) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(proxy.address() + "/v1/" + path))
                .header("X-Vault-Token", bao.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"options\":{\"cas\":" + cas + "},\"data\":{\"api_key\":\"x\"}}"))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private long version() {
        Map<String, Object> data = (Map<String, Object>) bao.admin()
                .call("GET", path.replace("/data/", "/metadata/"), null)
                .get("data");
        return ((Number) data.get("current_version")).longValue();
    }
}
