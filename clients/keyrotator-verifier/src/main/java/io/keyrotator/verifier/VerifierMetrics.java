package io.keyrotator.verifier;

/**
 * What the library measures. An interface with no Micrometer type in it, so that the library runs
 * without Micrometer on the class path ({@link #NONE}); {@link MicrometerVerifierMetrics} when it is.
 */
interface VerifierMetrics {

    VerifierMetrics NONE = new VerifierMetrics() {
        @Override
        public void register(HeldKey key) {}

        @Override
        public void refreshed(HeldKey key, String outcome) {}
    };

    void register(HeldKey key);

    void refreshed(HeldKey key, String outcome);
}
