/** What secret scanners need to find keyrotator's keys: rules from the catalogue, and a verify endpoint. */
@NullMarked
package io.keyrotator.scanning;

import org.jspecify.annotations.NullMarked;
