package io.keyrotator.scanning;

import io.keyrotator.rotation.GeneratorSpec;
import io.keyrotator.rotation.ManagedKey;
import io.keyrotator.rotation.protocol.KeyCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The shapes of the registered keys, read page by page from the catalogue, one per distinct generator. */
@Component
class ScanningRules {

    private static final int PAGE = 1000;

    private final KeyCatalog catalog;

    ScanningRules(KeyCatalog catalog) {
        this.catalog = catalog;
    }

    List<KeyShape> shapes() {
        Map<GeneratorShape, List<String>> byShape = new LinkedHashMap<>();
        for (int offset = 0; ; offset += PAGE) {
            List<ManagedKey> page = catalog.page(null, null, null, offset, PAGE);
            for (ManagedKey key : page) {
                GeneratorSpec spec = key.generator();
                byShape.computeIfAbsent(
                                new GeneratorShape(
                                        spec.prefix(), spec.encoding(), KeyShape.bodyLength(spec), spec.checksum()),
                                shape -> new ArrayList<>())
                        .add(key.name());
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        List<KeyShape> shapes = new ArrayList<>();
        byShape.forEach((shape, keys) -> shapes.add(new KeyShape(
                shape.prefix(), shape.encoding(), shape.bodyLength(), shape.checksum(), List.copyOf(keys))));
        // longest prefix first: a scanner that stops at the first rule names the most specific one
        shapes.sort(java.util.Comparator.comparing((KeyShape s) -> -s.prefix().length())
                .thenComparing(KeyShape::id));
        return shapes;
    }

    private record GeneratorShape(String prefix, GeneratorSpec.Encoding encoding, int bodyLength, boolean checksum) {}
}
