package io.keyrotator.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.rotation.GeneratorSpec.Encoding;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.InvalidRequestException.FieldError;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.Promotion;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.vault.VaultProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyValidatorTests {

    private final KeyValidator validator = new KeyValidator(
            new KeyDefaults(
                    Duration.ofDays(30),
                    Duration.ofHours(24),
                    Duration.ZERO,
                    new KeyDefaults.Generator(32, "base64url")),
            new VaultProperties("secret", "api-keys", true, 64),
            new RotationProperties(
                    new RotationProperties.Scheduler(
                            Duration.ofSeconds(10), 100, 8, Duration.ZERO, Duration.ofMinutes(1), Duration.ofHours(1)),
                    new RotationProperties.Limits(
                            Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ZERO, Duration.ofMinutes(1))),
            "keyrotator/webhooks");

    @Test
    void onlyTheNameIsRequiredAndTheRestDefaults() {
        NewKey key = validator.registration(request("payment-gateway"), false);

        assertThat(key.vaultPath().toString()).isEqualTo("secret/api-keys/payment-gateway");
        assertThat(key.vaultField()).isEqualTo("api_key");
        assertThat(key.generator().bytes()).isEqualTo(32);
        assertThat(key.generator().encoding()).isEqualTo(Encoding.BASE64URL);
        assertThat(key.rotationPeriod()).isEqualTo(Duration.ofDays(30));
        assertThat(key.overlap()).isEqualTo(Duration.ofHours(24));
        assertThat(key.publishAhead()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "payment-gateway", "svc_1.v2", "0abc"})
    void validNames(String name) {
        assertThat(validator.registration(request(name), false).name()).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-lead", "_lead", "Upper", "a..b", "spa ce", "slash/name", "é"})
    void invalidNames(String name) {
        assertThat(errors(request(name))).extracting(FieldError::field).containsExactly("name");
    }

    @Test
    void nameLongerThan64IsRefused() {
        assertThat(errors(request("a".repeat(65))))
                .extracting(FieldError::field)
                .containsExactly("name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/lead", "trail/", "a//b", "a/./b", "a/../b", "sp ace", "a/b$"})
    void invalidVaultPaths(String path) {
        KeyRequest request = new KeyRequest("k", null, path, null, null, null, null, null, null, null, null);

        assertThat(errors(request)).extracting(FieldError::field).containsExactly("vaultPath");
    }

    @Test
    void generatorLimits() {
        var generator = new KeyRequest.GeneratorRequest(15, "base32", "has-dash", null);
        KeyRequest request = new KeyRequest("k", null, null, null, generator, null, null, null, null, null, null);

        assertThat(errors(request))
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("generator.bytes", "generator.encoding", "generator.prefix");
    }

    @Test
    void periodMustBeAtLeastTheMinimumAndLongerThanOverlapPlusPublishAhead() {
        KeyRequest tooShort = new KeyRequest("k", null, null, null, null, "PT30S", "PT0S", null, null, null, null);
        KeyRequest tooFull = new KeyRequest("k", null, null, null, null, "PT1H", "PT30M", "PT30M", null, null, null);
        KeyRequest negative = new KeyRequest("k", null, null, null, null, null, "-PT1M", null, null, null, null);

        assertThat(errors(tooShort)).extracting(FieldError::field).containsExactly("rotationPeriod");
        assertThat(errors(tooFull)).extracting(FieldError::field).containsExactly("overlap");
        assertThat(errors(negative)).extracting(FieldError::field).containsExactly("overlap");
    }

    @Test
    void aPromotionAwaitsNamedConsumersWithDefaultsForTheRest() {
        var promotion = new KeyRequest.PromotionRequest(List.of("orders", "billing"), null, null);
        NewKey key = validator.registration(
                new KeyRequest("k", null, null, null, null, null, null, "PT1H", promotion, null, null), false);

        assertThat(key.promotion().awaitConsumers()).containsExactly("orders", "billing");
        assertThat(key.promotion().timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(key.promotion().onTimeout()).isEqualTo(Promotion.OnTimeout.PROMOTE);
    }

    @Test
    void aPromotionIsCheckedFieldByFieldAndNeedsSomethingToGate() {
        var bad = new KeyRequest.PromotionRequest(List.of("orders", "orders"), "P8D", "later");
        var nothingToGate = new KeyRequest.PromotionRequest(List.of("orders"), "hold", "HOLD");
        var tooMany = new KeyRequest.PromotionRequest(
                java.util.stream.IntStream.range(0, 17).mapToObj(i -> "c" + i).toList(), null, null);

        assertThat(errors(new KeyRequest("k", null, null, null, null, null, null, "PT1H", bad, null, null)))
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("promotion.awaitConsumers", "promotion.timeout", "promotion.onTimeout");
        assertThat(errors(new KeyRequest("k", null, null, null, null, null, "PT0S", null, nothingToGate, null, null)))
                .extracting(FieldError::field)
                .containsExactlyInAnyOrder("promotion.timeout", "promotion.awaitConsumers");
        assertThat(errors(new KeyRequest("k", null, null, null, null, null, null, null, tooMany, null, null)))
                .extracting(FieldError::field)
                .containsExactly("promotion.awaitConsumers");
        var withNull = new KeyRequest.PromotionRequest(java.util.Arrays.asList("orders", null), null, null);
        assertThat(errors(new KeyRequest("k", null, null, null, null, null, null, null, withNull, null, null)))
                .as("a null name is a field error, not a 500 (found by the API fuzzer)")
                .extracting(FieldError::field)
                .containsExactly("promotion.awaitConsumers");
    }

    @Test
    void aPromotionThatMayWaitItsWholeTimeoutMustEndBeforeTheNextRotation() {
        var promotion = new KeyRequest.PromotionRequest(List.of("orders"), "PT30M", null);

        assertThat(errors(new KeyRequest("k", null, null, null, null, "PT1H", "PT20M", "PT10M", promotion, null, null)))
                .extracting(FieldError::field)
                .containsExactly("promotion.timeout");
    }

    @Test
    void anEmptyAwaitConsumersTurnsGatingOff() {
        var off = new KeyRequest.PromotionRequest(List.of(), "PT1M", "HOLD");

        assertThat(validator
                        .registration(
                                new KeyRequest("k", null, null, null, null, null, null, null, off, null, null), false)
                        .promotion())
                .isEqualTo(Promotion.NONE);
    }

    @Test
    void durationsAreBoundedSoThatNoneOverflowsATimestamp() {
        KeyRequest atMost = new KeyRequest("k", null, null, null, null, "P3650D", "P1D", "P1D", null, null, null);
        KeyRequest huge = new KeyRequest("k", null, null, null, null, "P200000000D", null, null, null, null, null);
        KeyRequest hugeOverlap = new KeyRequest("k", null, null, null, null, null, "P3651D", null, null, null, null);
        KeyRequest hugeAhead =
                new KeyRequest("k", null, null, null, null, null, null, "PT100000000H", null, null, null);

        assertThat(validator.registration(atMost, false).rotationPeriod()).isEqualTo(Duration.ofDays(3650));
        assertThat(errors(huge)).extracting(FieldError::field).containsExactly("rotationPeriod");
        assertThat(errors(hugeOverlap)).extracting(FieldError::field).contains("overlap");
        assertThat(errors(hugeAhead)).extracting(FieldError::field).contains("publishAhead");
    }

    @Test
    void theWebhooksSecretsPathIsReservedInTheDefaultMount() {
        KeyRequest inside =
                new KeyRequest("k", null, "keyrotator/webhooks/x", null, null, null, null, null, null, null, null);
        KeyRequest itself =
                new KeyRequest("k", null, "keyrotator/webhooks", null, null, null, null, null, null, null, null);
        KeyRequest otherMount =
                new KeyRequest("k", "other", "keyrotator/webhooks/x", null, null, null, null, null, null, null, null);
        KeyRequest lookalike =
                new KeyRequest("k", null, "keyrotator/webhooks-x", null, null, null, null, null, null, null, null);

        assertThat(errors(inside)).extracting(FieldError::field).containsExactly("vaultPath");
        assertThat(errors(itself)).extracting(FieldError::field).containsExactly("vaultPath");
        assertThat(validator.registration(otherMount, false).vaultPath().toString())
                .isEqualTo("other/keyrotator/webhooks/x");
        assertThat(validator.registration(lookalike, false).vaultPath().toString())
                .isEqualTo("secret/keyrotator/webhooks-x");
    }

    @Test
    void reservedVaultFieldsAreRefused() {
        for (String field : new String[] {"key_version", "rotated_at", "previous_x", "next_x", "has-dash"}) {
            KeyRequest request = new KeyRequest("k", null, null, field, null, null, null, null, null, null, null);
            assertThat(errors(request)).as(field).extracting(FieldError::field).containsExactly("vaultField");
        }
    }

    @Test
    void labelsAreBounded() {
        KeyRequest badKey =
                new KeyRequest("k", null, null, null, null, null, null, null, null, Map.of("bad key", "v"), null);

        assertThat(errors(badKey)).extracting(FieldError::field).containsExactly("labels.bad key");
    }

    private java.util.List<FieldError> errors(KeyRequest request) {
        try {
            validator.registration(request, false);
        } catch (InvalidRequestException e) {
            return e.errors();
        }
        throw new AssertionError("expected a validation error for " + request);
    }

    private static KeyRequest request(String name) {
        return new KeyRequest(name, null, null, null, null, null, null, null, null, null, null);
    }
}
