package io.keyrotator.rotation.protocol;

import io.keyrotator.rotation.GeneratorSpec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: one {@link KeyGenerator} shared by every benchmark thread, as the application shares its one
 * bean. The harness runs it with 1 and with 8 threads; total throughput must not drop (no shared
 * lock). Lives next to the package-private generator it measures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class KeyGeneratorBenchmark {

    @Param({"BASE64URL", "BASE62"})
    public String encoding;

    private final KeyGenerator generator = new KeyGenerator();
    private GeneratorSpec spec = new GeneratorSpec(32, GeneratorSpec.Encoding.BASE64URL, "", false);

    @Setup
    public void chooseEncoding() {
        spec = new GeneratorSpec(32, GeneratorSpec.Encoding.valueOf(encoding), "pk_", true);
    }

    @Benchmark
    public String generate() {
        return generator.generate(spec).fingerprint();
    }
}
