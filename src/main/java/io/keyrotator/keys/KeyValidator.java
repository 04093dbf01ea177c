package io.keyrotator.keys;

import io.keyrotator.rotation.Durations;
import io.keyrotator.rotation.GeneratorSpec;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.InvalidRequestException.FieldError;
import io.keyrotator.rotation.NewKey;
import io.keyrotator.rotation.OnLeak;
import io.keyrotator.rotation.Promotion;
import io.keyrotator.rotation.RotationProperties;
import io.keyrotator.vault.KvPath;
import io.keyrotator.vault.VaultProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The registration rules of docs/contract.md#registration-rules, reported field by field, with
 * defaults applied.
 */
@Component
class KeyValidator {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,47}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{0,32}");
    private static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,62}");
    private static final List<String> RESERVED_FIELDS =
            List.of("key_version", "rotated_at", "previous_expires_at", "next_active_at");
    private static final int MAX_LABELS = 32;

    private final KeyDefaults defaults;
    private final VaultProperties vault;
    private final RotationProperties rotation;
    private final String webhookSecrets;

    /**
     * @param webhookSecrets where, in the default mount, the webhooks keep their signing secrets: no
     *     key may live there, or a rotation would overwrite a signing secret and a purge delete it
     */
    KeyValidator(
            KeyDefaults defaults,
            VaultProperties vault,
            RotationProperties rotation,
            @Value("${keyrotator.webhooks.secrets-path:keyrotator/webhooks}") String webhookSecrets) {
        this.defaults = defaults;
        this.vault = vault;
        this.rotation = rotation;
        this.webhookSecrets = webhookSecrets;
    }

    NewKey registration(KeyRequest request, boolean declared) {
        List<FieldError> errors = new ArrayList<>();
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            errors.add(new FieldError(
                    "name", "1-64 characters of a-z 0-9 - _ . starting with a letter or digit, no '..'"));
            name = "invalid";
        }
        String mount = orDefault(request.vaultMount(), vault.mount());
        checkPath(errors, "vaultMount", mount, 128);
        String path = orDefault(request.vaultPath(), vault.pathPrefix() + "/" + name);
        checkPath(errors, "vaultPath", path, 256);
        if (mount.equals(vault.mount()) && (path.equals(webhookSecrets) || path.startsWith(webhookSecrets + "/"))) {
            errors.add(
                    new FieldError("vaultPath", "reserved for the webhooks' signing secrets (" + webhookSecrets + ")"));
        }
        String field = orDefault(request.vaultField(), "api_key");
        if (!FIELD.matcher(field).matches()
                || RESERVED_FIELDS.contains(field)
                || field.startsWith("previous_")
                || field.startsWith("next_")) {
            errors.add(
                    new FieldError("vaultField", "a letter or _ then up to 47 of A-Z a-z 0-9 _, not a reserved field"));
        }
        Settings settings = settings(errors, request, null);
        throwIfAny(errors);
        KvPath vaultPath = KvPath.of(mount, path);
        return new NewKey(
                name,
                vaultPath,
                field,
                settings.generator(),
                settings.rotationPeriod(),
                settings.overlap(),
                settings.publishAhead(),
                settings.promotion(),
                settings.onLeak(),
                settings.labels(),
                declared,
                0);
    }

    /** The settings a PATCH (or the catalogue) may change, over the key's current ones. */
    Settings settings(List<FieldError> errors, KeyRequest request, @Nullable Settings base) {
        GeneratorSpec generator = generator(errors, request.generator(), base == null ? null : base.generator());
        Duration period = duration(
                errors,
                "rotationPeriod",
                request.rotationPeriod(),
                base == null ? defaults.rotationPeriod() : base.rotationPeriod());
        Duration overlap =
                duration(errors, "overlap", request.overlap(), base == null ? defaults.overlap() : base.overlap());
        Duration ahead = duration(
                errors,
                "publishAhead",
                request.publishAhead(),
                base == null ? defaults.publishAhead() : base.publishAhead());
        if (period.compareTo(rotation.limits().minRotationPeriod()) < 0) {
            errors.add(new FieldError(
                    "rotationPeriod",
                    "must be at least " + Durations.format(rotation.limits().minRotationPeriod())));
        } else if (overlap.plus(ahead).compareTo(period) >= 0) {
            errors.add(new FieldError("overlap", "overlap + publishAhead must be shorter than rotationPeriod"));
        }
        Promotion promotion =
                PromotionRules.promotion(errors, request.promotion(), base == null ? Promotion.NONE : base.promotion());
        PromotionRules.checkApplies(errors, promotion, period, overlap, ahead);
        Map<String, String> labels =
                request.labels() != null ? request.labels() : base == null ? Map.of() : base.labels();
        checkLabels(errors, labels);
        OnLeak onLeak = onLeak(errors, request.onLeak(), base == null ? OnLeak.ROTATE : base.onLeak());
        return new Settings(generator, period, overlap, ahead, promotion, onLeak, labels);
    }

    private static OnLeak onLeak(List<FieldError> errors, @Nullable String given, OnLeak base) {
        if (given == null) {
            return base;
        }
        for (OnLeak value : OnLeak.values()) {
            if (value.name().equals(given)) {
                return value;
            }
        }
        errors.add(new FieldError("onLeak", "ROTATE or NOTIFY"));
        return base;
    }

    static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw InvalidRequestException.of(errors);
        }
    }

    private GeneratorSpec generator(
            List<FieldError> errors, KeyRequest.@Nullable GeneratorRequest request, @Nullable GeneratorSpec base) {
        KeyRequest.GeneratorRequest given =
                request == null ? new KeyRequest.GeneratorRequest(null, null, null, null) : request;
        int bytes = given.bytes() != null
                ? given.bytes()
                : base != null ? base.bytes() : defaults.generator().bytes();
        if (bytes < 16 || bytes > 256) {
            errors.add(new FieldError("generator.bytes", "must be between 16 and 256"));
        }
        String encodingId = given.encoding() != null
                ? given.encoding()
                : base != null ? base.encoding().id() : defaults.generator().encoding();
        GeneratorSpec.Encoding encoding =
                GeneratorSpec.Encoding.parse(encodingId).orElse(null);
        if (encoding == null) {
            errors.add(new FieldError("generator.encoding", "must be base64url, hex or base62"));
            encoding = GeneratorSpec.Encoding.BASE64URL;
        }
        String prefix = given.prefix() != null ? given.prefix() : base != null ? base.prefix() : "";
        if (!PREFIX.matcher(prefix).matches()) {
            errors.add(new FieldError("generator.prefix", "0-32 characters of A-Z a-z 0-9 _"));
        }
        boolean checksum = given.checksum() != null ? given.checksum() : base != null && base.checksum();
        return new GeneratorSpec(bytes, encoding, prefix, checksum);
    }

    private static Duration duration(List<FieldError> errors, String field, @Nullable String text, Duration fallback) {
        if (text == null) {
            return fallback;
        }
        Duration parsed = Durations.parse(text).orElse(null);
        if (parsed == null || parsed.isNegative()) {
            errors.add(new FieldError(field, "an ISO-8601 duration of at least PT0S, such as P30D or PT24H"));
            return fallback;
        }
        if (parsed.compareTo(Durations.MAX) > 0) {
            errors.add(new FieldError(field, "at most " + Durations.format(Durations.MAX)));
            return fallback;
        }
        return parsed;
    }

    private static void checkPath(List<FieldError> errors, String field, String value, int maxLength) {
        boolean valid = value.length() <= maxLength && !value.startsWith("/") && !value.endsWith("/");
        for (String segment : value.split("/", -1)) {
            valid &= SEGMENT.matcher(segment).matches() && !segment.equals(".") && !segment.equals("..");
        }
        if (!valid) {
            errors.add(new FieldError(
                    field,
                    "segments of A-Z a-z 0-9 - _ . joined by /, no empty, . or .. segment," + " at most " + maxLength
                            + " characters"));
        }
    }

    private static void checkLabels(List<FieldError> errors, Map<String, String> labels) {
        if (labels.size() > MAX_LABELS) {
            errors.add(new FieldError("labels", "at most " + MAX_LABELS + " labels"));
        }
        labels.forEach((key, value) -> {
            if (key == null || !LABEL_KEY.matcher(key).matches() || value == null || value.length() > 256) {
                errors.add(
                        new FieldError("labels." + key, "keys of 1-63 characters [A-Za-z0-9_./-], values up to 256"));
            }
        });
    }

    private static String orDefault(@Nullable String value, String fallback) {
        return Objects.requireNonNullElse(value, fallback);
    }

    /** The changeable part of a key's definition. */
    record Settings(
            GeneratorSpec generator,
            Duration rotationPeriod,
            Duration overlap,
            Duration publishAhead,
            Promotion promotion,
            OnLeak onLeak,
            Map<String, String> labels) {

        static Settings of(io.keyrotator.rotation.ManagedKey key) {
            return new Settings(
                    key.generator(),
                    key.rotationPeriod(),
                    key.overlap(),
                    key.publishAhead(),
                    key.promotion(),
                    key.onLeak(),
                    key.labels());
        }
    }
}
