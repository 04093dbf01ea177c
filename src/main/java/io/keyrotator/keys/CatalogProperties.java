package io.keyrotator.keys;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The declarative key catalogue, so that a Helm values file can own the keys.
 *
 * @param keys keys to manage: {@code name} plus any registration field
 * @param catalog how the catalogue is reconciled
 */
@ConfigurationProperties("keyrotator")
record CatalogProperties(
        @DefaultValue List<KeyRequest> keys, @DefaultValue Catalog catalog) {

    /** @param prune delete keys that came from the catalogue and left it (their Vault secrets stay) */
    record Catalog(@DefaultValue("false") boolean prune) {}
}
