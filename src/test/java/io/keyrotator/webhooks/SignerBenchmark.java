package io.keyrotator.webhooks;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: one Standard Webhooks signature over a typical {@code key.rotated} body, with one secret and
 * with two (during a signing-secret rotation). Lives next to the package-private signer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SignerBenchmark {

    private final String secret = Signer.newSecret();
    private final List<String> twoSecrets = List.of(secret, Signer.newSecret());
    private final byte[] body = ("{\"type\":\"key.rotated\",\"timestamp\":\"2026-11-23T08:00:00Z\",\"data\":{\"key\":"
                    + "\"payment-gateway\",\"version\":42,\"fingerprint\":\"9f2c1a0b4d5e6f70\",\"trigger\":\"manual\","
                    + "\"previousValidUntil\":\"2026-11-23T09:00:00Z\",\"vaultVersion\":43}}")
            .getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public String signOneSecret() {
        return Signer.sign(secret, "msg_2Lc1ePTjN0VqvvV7p6v1f6Ovq8Q", 1_795_000_000L, body);
    }

    @Benchmark
    public String signTwoSecrets() {
        return Signer.signatures(twoSecrets, "msg_2Lc1ePTjN0VqvvV7p6v1f6Ovq8Q", 1_795_000_000L, body);
    }
}
