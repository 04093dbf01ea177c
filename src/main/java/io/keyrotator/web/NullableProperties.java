package io.keyrotator.web;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * springdoc does not read JSpecify's {@code @Nullable} (a type-use annotation), so response fields
 * that may be null would be documented as never null. This marks them nullable (OpenAPI 3.1: a
 * {@code "null"} type, or {@code anyOf} with {@code null} for a reference), from the records that
 * the component schemas are named after.
 */
final class NullableProperties {

    private NullableProperties() {}

    static void mark(OpenAPI openApi) {
        Map<String, Schema> schemas = openApi.getComponents().getSchemas();
        for (Class<?> record : records()) {
            Schema<?> schema = schemas.get(record.getSimpleName());
            if (schema == null || schema.getProperties() == null) {
                continue;
            }
            for (RecordComponent component : record.getRecordComponents()) {
                Schema<?> property = schema.getProperties().get(component.getName());
                if (property != null && component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
                    schema.getProperties().put(component.getName(), nullable(property));
                }
            }
        }
    }

    private static Schema<?> nullable(Schema<?> property) {
        if (property.get$ref() != null) {
            return new Schema<>().anyOf(List.of(new Schema<>().$ref(property.get$ref()), nullSchema()));
        }
        Set<String> types = new LinkedHashSet<>();
        if (property.getTypes() != null) {
            types.addAll(property.getTypes());
        } else if (property.getType() != null) {
            types.add(property.getType());
        }
        types.add("null");
        property.setTypes(types);
        return property;
    }

    private static Schema<?> nullSchema() {
        Schema<?> none = new Schema<>();
        none.setTypes(Set.of("null"));
        return none;
    }

    private static List<Class<?>> records() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false) {
            @Override
            protected boolean isCandidateComponent(
                    org.springframework.beans.factory.annotation.AnnotatedBeanDefinition definition) {
                AnnotationMetadata metadata = definition.getMetadata();
                return metadata.isIndependent() && "java.lang.Record".equals(metadata.getSuperClassName());
            }
        };
        scanner.addIncludeFilter((reader, factory) ->
                "java.lang.Record".equals(reader.getClassMetadata().getSuperClassName()));
        return scanner.findCandidateComponents("io.keyrotator").stream()
                .map(BeanDefinition::getBeanClassName)
                .map(name -> ClassUtils.resolveClassName(name, NullableProperties.class.getClassLoader()))
                .<Class<?>>map(type -> type)
                .toList();
    }
}
