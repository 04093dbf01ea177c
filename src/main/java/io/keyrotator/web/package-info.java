/** The one exception handler: every error of the API as an RFC 9457 problem. */
@NullMarked
package io.keyrotator.web;

import org.jspecify.annotations.NullMarked;
