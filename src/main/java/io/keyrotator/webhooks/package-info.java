/** Subscriptions, the transactional outbox, the dispatcher, Standard Webhooks signing, the SSRF guard. */
@NullMarked
package io.keyrotator.webhooks;

import org.jspecify.annotations.NullMarked;
