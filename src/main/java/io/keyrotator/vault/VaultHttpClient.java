package io.keyrotator.vault;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProxySelector;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultHttpRequestRetryStrategy;
import org.apache.hc.client5.http.impl.DefaultSchemePortResolver;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.impl.routing.SystemDefaultRoutePlanner;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HttpsSupport;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.vault.config.VaultProperties.Ssl;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.util.StringUtils;
import org.springframework.vault.client.ClientHttpRequestFactoryFactory;
import org.springframework.vault.support.ClientOptions;
import org.springframework.vault.support.SslConfiguration;
import org.springframework.vault.support.SslConfiguration.KeyStoreConfiguration;

/**
 * The HTTP client keyrotator talks to Vault through: Apache HttpClient 5, classic, so a call blocks
 * the calling virtual thread on its socket. The JDK client Spring Vault otherwise picks hands every
 * call to its selector and worker threads, Spring writes each request body on a new platform thread,
 * and its read timeout raises three exceptions per call; under load a KV read and a CAS write cost
 * 2.9 and 4.8 ms through it against 1.3 and 1.7 ms here (README, Performance). Spring Vault would
 * build HttpClient 5 with its default pool, 5 connections, on which 16 rotations against a slow
 * Vault queued; the pool here holds {@code keyrotator.vault.max-connections}.
 *
 * <p>Timeouts, proxy and redirects are Spring Vault's: {@code spring.cloud.vault.connection-timeout}
 * to connect and to wait for a pooled connection, {@code read-timeout} for the answer. A CAS write
 * that may have been applied is resolved by reading it back (VaultWriter), never by sending it
 * again; only a read that met a dead pooled connection is retried ({@link StaleConnectionRetry}). TLS ({@code spring.cloud.vault.ssl.*}) is loaded
 * by Spring Vault's own code, whose public JDK-client builder reads the stores; its SSL context
 * is taken from there.
 */
final class VaultHttpClient {

    private VaultHttpClient() {}

    static ClientHttpRequestFactory create(
            org.springframework.cloud.vault.config.VaultProperties vault, int maxConnections) {
        Timeout connect = Timeout.ofMilliseconds(vault.getConnectionTimeout());
        Timeout read = Timeout.ofMilliseconds(vault.getReadTimeout());
        SslConfiguration ssl = sslConfiguration(vault.getSsl());
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(maxConnections)
                .setMaxConnTotal(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(connect)
                        .setSocketTimeout(read)
                        .setValidateAfterInactivity(TimeValue.ofSeconds(2))
                        .build())
                .setDefaultSocketConfig(SocketConfig.custom()
                        .setSoTimeout(read)
                        .setTcpNoDelay(true)
                        .build())
                .setTlsSocketStrategy(tls(ssl, vault))
                .build();
        var client = HttpClients.custom()
                .setConnectionManager(pool)
                .setRoutePlanner(
                        new SystemDefaultRoutePlanner(DefaultSchemePortResolver.INSTANCE, ProxySelector.getDefault()))
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectionRequestTimeout(connect)
                        .setResponseTimeout(read)
                        .setRedirectsEnabled(true)
                        .build())
                .setRetryStrategy(new StaleConnectionRetry(pool))
                .evictIdleConnections(TimeValue.ofSeconds(30))
                .build();
        return new HttpComponentsClientHttpRequestFactory(client);
    }

    /**
     * After an I/O error the pooled connections most likely share its fate (Vault restarted, a
     * proxy dropped them): the idle ones are closed, and a GET or DELETE that met a dead pooled
     * connection is sent once more, on a new one. A POST is never resent, since Vault may have
     * applied it; nor is anything after a timeout, a refused connection or a TLS error, nor any
     * answer, a 503 or 429 included: those reach the caller as they came.
     */
    private static final class StaleConnectionRetry extends DefaultHttpRequestRetryStrategy {

        private final PoolingHttpClientConnectionManager pool;

        StaleConnectionRetry(PoolingHttpClientConnectionManager pool) {
            super(
                    1,
                    TimeValue.ZERO_MILLISECONDS,
                    List.of(
                            InterruptedIOException.class,
                            UnknownHostException.class,
                            ConnectException.class,
                            NoRouteToHostException.class,
                            SSLException.class),
                    List.of());
            this.pool = pool;
        }

        @Override
        public boolean retryRequest(HttpRequest request, IOException failure, int execCount, HttpContext context) {
            pool.closeIdle(TimeValue.ZERO_MILLISECONDS);
            return super.retryRequest(request, failure, execCount, context);
        }
    }

    private static DefaultClientTlsStrategy tls(
            SslConfiguration ssl, org.springframework.cloud.vault.config.VaultProperties vault) {
        boolean configured = ssl.getTrustStoreConfiguration().isPresent()
                || ssl.getKeyStoreConfiguration().isPresent();
        SSLContext context;
        try {
            context = configured ? springVaultContext(ssl, vault) : SSLContext.getDefault();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("spring.cloud.vault.ssl: the trust or key store cannot be loaded", e);
        }
        return new DefaultClientTlsStrategy(
                context,
                orNull(ssl.getEnabledProtocols()),
                orNull(ssl.getEnabledCipherSuites()),
                SSLBufferMode.STATIC,
                HttpsSupport.getDefaultHostnameVerifier());
    }

    /** The context Spring Vault builds from the stores (PEM, JKS, PKCS12, a key alias). */
    private static SSLContext springVaultContext(
            SslConfiguration ssl, org.springframework.cloud.vault.config.VaultProperties vault)
            throws GeneralSecurityException, IOException {
        ClientOptions options = new ClientOptions(
                Duration.ofMillis(vault.getConnectionTimeout()), Duration.ofMillis(vault.getReadTimeout()));
        try (java.net.http.HttpClient borrowed = ClientHttpRequestFactoryFactory.JdkHttpClient.getBuilder(options, ssl)
                .build()) {
            return borrowed.sslContext();
        }
    }

    /** The configured protocols or cipher suites; null leaves the JDK's defaults, as Spring Vault does. */
    private static String @Nullable [] orNull(List<String> configured) {
        return configured.isEmpty() ? null : configured.toArray(String[]::new);
    }

    /** What Spring Cloud Vault makes of {@code spring.cloud.vault.ssl.*} (its own method is package-private). */
    static SslConfiguration sslConfiguration(Ssl ssl) {
        KeyStoreConfiguration keyStore = KeyStoreConfiguration.unconfigured();
        KeyStoreConfiguration trustStore = KeyStoreConfiguration.unconfigured();
        if (ssl.getKeyStore() != null) {
            keyStore = store(ssl.getKeyStore(), ssl.getKeyStorePassword(), ssl.getKeyStoreType());
        }
        if (ssl.getTrustStore() != null) {
            trustStore = store(ssl.getTrustStore(), ssl.getTrustStorePassword(), ssl.getTrustStoreType());
        }
        return new SslConfiguration(keyStore, trustStore, ssl.getEnabledProtocols(), ssl.getEnabledCipherSuites());
    }

    private static KeyStoreConfiguration store(
            org.springframework.core.io.Resource resource, @Nullable String password, @Nullable String type) {
        KeyStoreConfiguration store = StringUtils.hasText(password)
                ? KeyStoreConfiguration.of(resource, password.toCharArray())
                : KeyStoreConfiguration.of(resource);
        return StringUtils.hasText(type) ? store.withStoreType(type) : store;
    }
}
