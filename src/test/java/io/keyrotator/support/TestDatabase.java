package io.keyrotator.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One PostgreSQL database per test run on the server that {@code scripts/services.sh} starts
 * (127.0.0.1:5432, role {@code keyrotator} with CREATEDB), so every run starts from a clean schema
 * that Flyway builds. Dropped when the JVM exits. Fails with the command to run when PostgreSQL is
 * not there.
 */
public final class TestDatabase {

    private static final Lazy<TestDatabase> SHARED = new Lazy<>(TestDatabase::create);

    private final String host = env("KEYROTATOR_TEST_DB_HOST", "127.0.0.1");
    private final String port = env("KEYROTATOR_TEST_DB_PORT", "5432");
    private final String adminUser = env("KEYROTATOR_TEST_DB_USER", "keyrotator");
    private final String adminPassword = env("KEYROTATOR_TEST_DB_PASSWORD", "keyrotator");
    private final String name;
    /**
     * The database's owner and the only role tests and services connect as, with a password of
     * its own that looks like nothing else, so the leak checks can search for it.
     */
    private final String password = "pgpw_" + randomWord(24);

    private TestDatabase(String suffix) {
        this.name = "keyrotator_test_" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
                + "_" + ProcessHandle.current().pid() + suffix;
    }

    private static String randomWord(int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        java.security.SecureRandom random = new java.security.SecureRandom();
        StringBuilder word = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            word.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return word.toString();
    }

    public static TestDatabase shared() {
        return SHARED.get();
    }

    /** The shared database if a test class has used it in this JVM. */
    public static java.util.Optional<TestDatabase> sharedIfCreated() {
        return java.util.Optional.ofNullable(SHARED.peek());
    }

    public String jdbcUrl() {
        return url(name);
    }

    public String name() {
        return name;
    }

    public String username() {
        return name;
    }

    public String password() {
        return password;
    }

    public void registerProperties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", this::jdbcUrl);
        registry.add("spring.datasource.username", this::username);
        registry.add("spring.datasource.password", this::password);
        // a test run caches a dozen application contexts; PostgreSQL allows 100 connections
        registry.add("spring.datasource.hikari.maximum-pool-size", () -> "5");
        registry.add("spring.datasource.hikari.minimum-idle", () -> "1");
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), name, password);
    }

    /** A database of its own, for a test that must see no other test's data; dropped at exit too. */
    public static TestDatabase isolated(String purpose) {
        return create("_" + purpose);
    }

    private static TestDatabase create() {
        return create("");
    }

    private static TestDatabase create(String suffix) {
        TestDatabase database = new TestDatabase(suffix);
        database.dropStale();
        database.admin("CREATE ROLE " + database.name + " LOGIN PASSWORD '" + database.password + "'");
        database.admin("GRANT " + database.name + " TO " + database.adminUser);
        database.admin("CREATE DATABASE " + database.name + " OWNER " + database.name);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> database.drop(database.name), "test-database-drop"));
        Harvest.secret(database.password);
        return database;
    }

    /** Databases of runs whose JVM was killed before its shutdown hook: named with their start time. */
    private void dropStale() {
        String cutoff = LocalDateTime.now().minusHours(6).format(DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"));
        try (Connection connection = DriverManager.getConnection(url("postgres"), adminUser, adminPassword);
                Statement statement = connection.createStatement();
                var stale = statement.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE"
                        + " 'keyrotator\\_test\\_%' AND substring(datname from 17 for 15) < '" + cutoff + "'")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            while (stale.next()) {
                names.add(stale.getString(1));
            }
            for (String name : names) {
                drop(name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not usable at " + host + ":" + port + " as role " + adminUser + " (" + e.getMessage()
                            + "). Start it with `scripts/services.sh up`.",
                    e);
        }
    }

    private void drop(String database) {
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        admin("DROP ROLE IF EXISTS " + database);
    }

    private void admin(String sql) {
        try (Connection connection = DriverManager.getConnection(url("postgres"), adminUser, adminPassword);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "PostgreSQL is not usable at " + host + ":" + port + " as role " + adminUser + " (" + e.getMessage()
                            + "). Start it with `scripts/services.sh up`.",
                    e);
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
