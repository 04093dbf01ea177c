package io.keyrotator.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * Wraps an appender's encoder and passes every line it produces, stack traces and structured JSON
 * included, through {@link LogMask}. Masking the encoded line rather than the message reaches what a
 * pattern or a structured format adds around it (an exception's message, an MDC value).
 */
final class MaskingEncoder extends EncoderBase<ILoggingEvent> {

    private final Encoder<ILoggingEvent> delegate;
    private final Charset charset;

    MaskingEncoder(Encoder<ILoggingEvent> delegate) {
        this.delegate = delegate;
        // ISO-8859-1 maps every byte to one char and back, so a charset we cannot know stays intact
        this.charset = delegate instanceof LayoutWrappingEncoder<ILoggingEvent> layout && layout.getCharset() != null
                ? layout.getCharset()
                : StandardCharsets.ISO_8859_1;
    }

    Encoder<ILoggingEvent> delegate() {
        return delegate;
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] encoded = delegate.encode(event);
        if (encoded == null || encoded.length == 0) {
            return encoded;
        }
        String line = new String(encoded, charset);
        String masked = LogMask.mask(line);
        return masked.equals(line) ? encoded : masked.getBytes(charset);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    @Override
    public void start() {
        if (!delegate.isStarted()) {
            delegate.start();
        }
        super.start();
    }

    @Override
    public void stop() {
        delegate.stop();
        super.stop();
    }
}
