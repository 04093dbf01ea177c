/**
 * Bulk rotation jobs: every key a selector matches, rotated by a durable job that survives
 * restarts and replicas (docs/contract.md#rotation-jobs).
 */
@NullMarked
package io.keyrotator.jobs;

import org.jspecify.annotations.NullMarked;
