package io.keyrotator.leaks;

/** A GitHub secret scanning request whose signature is missing, unknown or wrong: 401, nothing done. */
public final class InvalidSignatureException extends RuntimeException {

    InvalidSignatureException(String why) {
        super(why);
    }
}
