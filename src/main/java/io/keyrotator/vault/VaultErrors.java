package io.keyrotator.vault;

import java.io.IOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.vault.VaultException;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.ResourceAccessException;

/**
 * Turns what Spring Vault throws into the port's exceptions. Spring Vault 4.0 reports every HTTP
 * error as a plain {@link VaultException} whose message carries the status and Vault's text, with
 * the {@link HttpStatusCodeException} as cause when there is one; we read the status (and, for CAS
 * and seal, a marker in the text) and drop the rest.
 */
final class VaultErrors {

    private static final Pattern STATUS = Pattern.compile("^Status (\\d{3})");

    private VaultErrors() {}

    static SecretStoreException translate(String operation, KvPath path, RuntimeException e) {
        Integer status = status(e);
        if (status == null) {
            return SecretStoreUnavailableException.unreachable(operation, path, rootCause(e));
        }
        if (status == 403) {
            return SecretStorePermissionDeniedException.of(operation, path);
        }
        if (status == 503 && text(e).contains("sealed")) {
            return SecretStoreUnavailableException.sealed(operation, path);
        }
        if (status >= 500 || status == 429 || status == 412) {
            return SecretStoreUnavailableException.status(operation, path, status);
        }
        return SecretStoreException.rejected(operation, path, status);
    }

    /** Spring Vault's own test for a CAS failure (see {@code VaultKeyValue2Template.patch}). */
    static boolean isCasMismatch(RuntimeException e) {
        String text = text(e);
        return text.contains("check-and-set") || text.contains("did not match the current version");
    }

    private static @Nullable Integer status(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpStatusCodeException http) {
                return http.getStatusCode().value();
            }
            if (t instanceof ResourceAccessException || t instanceof IOException) {
                return null;
            }
            if (t instanceof VaultException && t.getMessage() != null) {
                Matcher matcher = STATUS.matcher(t.getMessage());
                if (matcher.find()) {
                    return Integer.valueOf(matcher.group(1));
                }
            }
        }
        return null;
    }

    private static String text(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null) {
                text.append(t.getMessage()).append('\n');
            }
            if (t instanceof HttpStatusCodeException http) {
                text.append(http.getResponseBodyAsString());
            }
        }
        return text.toString().toLowerCase(Locale.ROOT);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
