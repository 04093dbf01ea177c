package io.keyrotator.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.spi.AppenderAttachable;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.event.SmartApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Puts {@link MaskingEncoder} in front of every appender once Spring Boot has configured logging
 * (it runs right after {@link LoggingApplicationListener}), whichever configuration was used:
 * Spring Boot's defaults, a {@code logback-spring.xml}, a file appender, structured logging. Also
 * registers the secrets the configuration itself holds, and turns off, whatever the configuration
 * says, the loggers that print raw HTTP traffic to Vault ({@link #WIRE_LOGGERS}): their lines hold
 * request bodies, that is keys, and the Vault token. Registered in {@code
 * META-INF/spring.factories}, because it must run before the application context exists.
 * {@code keyrotator.logging.mask=false} turns it off (the test suite does, to prove that the
 * sources print no secret on their own).
 */
public final class LogMaskingListener implements SmartApplicationListener {

    /** Configuration properties whose values are secrets, masked wherever they appear. */
    static final List<String> SECRET_PROPERTIES = List.of(
            "spring.datasource.password",
            "spring.flyway.password",
            "spring.cloud.vault.token",
            "spring.cloud.vault.app-role.secret-id",
            "spring.cloud.vault.app-role.role-id",
            "spring.security.oauth2.resourceserver.opaquetoken.client-secret");

    /** Apache HttpClient's request and response bytes, and its headers, at DEBUG. */
    static final List<String> WIRE_LOGGERS =
            List.of("org.apache.hc.client5.http.wire", "org.apache.hc.client5.http.headers");

    @Override
    public boolean supportsEventType(Class<? extends ApplicationEvent> eventType) {
        return ApplicationEnvironmentPreparedEvent.class.isAssignableFrom(eventType);
    }

    @Override
    public void onApplicationEvent(ApplicationEvent event) {
        ConfigurableEnvironment environment = ((ApplicationEnvironmentPreparedEvent) event).getEnvironment();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            for (String name : WIRE_LOGGERS) {
                context.getLogger(name).setLevel(ch.qos.logback.classic.Level.OFF);
            }
        }
        if (!environment.getProperty("keyrotator.logging.mask", Boolean.class, true)) {
            return;
        }
        for (String property : SECRET_PROPERTIES) {
            String value = environment.getProperty(property);
            if (value != null) {
                LogMask.secret(value);
            }
        }
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            for (Logger logger : context.getLoggerList()) {
                wrap(logger);
            }
        }
    }

    private static void wrap(AppenderAttachable<ILoggingEvent> attachable) {
        for (Iterator<Appender<ILoggingEvent>> appenders = attachable.iteratorForAppenders(); appenders.hasNext(); ) {
            Appender<ILoggingEvent> appender = appenders.next();
            if (appender instanceof OutputStreamAppender<ILoggingEvent> output
                    && !(output.getEncoder() instanceof MaskingEncoder)
                    && output.getEncoder() != null) {
                MaskingEncoder masking = new MaskingEncoder(output.getEncoder());
                masking.setContext(output.getContext());
                masking.start();
                output.setEncoder(masking);
            }
            if (appender instanceof AppenderAttachable<?> nested) {
                @SuppressWarnings("unchecked")
                AppenderAttachable<ILoggingEvent> children = (AppenderAttachable<ILoggingEvent>) nested;
                wrap(children);
            }
        }
    }

    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }
}
