package io.keyrotator.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Keeps test classes from seeing each other (registered for every class through JUnit's extension
 * auto-detection): before each class the shared test database is emptied, so a class sees only its
 * own keys, subscriptions and events; before each test every {@link MutableClock} is back to real
 * time. What the database held is dumped first to {@code target/test-logs/db-dumps}, which {@code
 * KeyMaterialLeakIntegrationTests} scans for key material at the end of the run. Classes marked
 * {@link OwnServices} run beside the others and are left out of both.
 */
public final class TestIsolation implements BeforeAllCallback, BeforeEachCallback {

    private static final Path DUMPS = Path.of("target", "test-logs", "db-dumps");
    private static final AtomicInteger DUMPED = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        if (ownServices(context)) {
            return;
        }
        TestDatabase.sharedIfCreated().ifPresent(database -> {
            dump(database, context.getRequiredTestClass().getSimpleName());
            truncate(database);
        });
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!ownServices(context)) {
            MutableClock.resetAll();
        }
    }

    /** Classes in the second lane run beside the shared ones: what is shared is not theirs to reset. */
    private static boolean ownServices(ExtensionContext context) {
        return org.junit.platform.commons.support.AnnotationSupport.isAnnotated(
                context.getRequiredTestClass(), OwnServices.class);
    }

    /** The dumps written so far, one per class that ran before the database was emptied. */
    public static List<Path> dumps() {
        if (!Files.isDirectory(DUMPS)) {
            return List.of();
        }
        try (var files = Files.list(DUMPS)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code pg_dump --data-only} of a test database into {@code file}. */
    public static void dump(TestDatabase database, Path file) {
        try {
            Files.createDirectories(file.getParent());
            ProcessBuilder pgDump = new ProcessBuilder(
                            "pg_dump",
                            "--data-only",
                            "--no-owner",
                            "--host=127.0.0.1",
                            "--username=" + database.username(),
                            database.name())
                    .redirectErrorStream(true)
                    .redirectOutput(file.toFile());
            pgDump.environment().put("PGPASSWORD", database.password());
            Process process = pgDump.start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("pg_dump of " + database.name() + " failed: " + Files.readString(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void dump(TestDatabase database, String before) {
        dump(database, DUMPS.resolve(String.format("%03d-before-%s.sql", DUMPED.incrementAndGet(), before)));
    }

    private static void truncate(TestDatabase database) {
        try (Connection connection = database.connect();
                Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (var rows = statement.executeQuery("SELECT quote_ident(tablename) FROM pg_tables"
                    + " WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'")) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
            if (!tables.isEmpty()) {
                statement.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("emptying " + database.name() + ": " + e.getMessage(), e);
        }
    }
}
