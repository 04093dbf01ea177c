/** Bearer-token authentication and scopes for the REST API; the management port stays open. */
@NullMarked
package io.keyrotator.security;

import org.jspecify.annotations.NullMarked;
