package io.keyrotator.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where webhooks may go (docs/contract.md#where-receivers-may-be). An address in a listed CIDR block
 * is allowed. Otherwise loopback, link-local (cloud metadata), unspecified and multicast addresses and
 * the service's own Vault and database are refused, by every address their names resolve to at the
 * time of the check; with a non-empty allow-list the host name must also match a listed name or
 * {@code *.suffix}. Checked at registration, and at every delivery on the addresses the sender then
 * connects to ({@link #addressesToConnect}), so a name that later resolves somewhere forbidden is not
 * called, not even when it changes between a check and the connect.
 */
final class SsrfGuard {

    /** Metadata services outside link-local: AWS over IPv6, Alibaba Cloud. */
    private static final List<Cidr> CLOUD_METADATA =
            List.of(Cidr.parse("fd00:ec2::254/128"), Cidr.parse("100.100.100.200/32"));

    private final List<String> names;
    private final List<Cidr> blocks;
    private final boolean restricted;
    private final List<String> ownServices;
    private final HostResolver resolver;

    /** @param ownServices the host names (or addresses) of the service's own Vault and database */
    SsrfGuard(List<String> allowedHosts, List<String> ownServices, HostResolver resolver) {
        this.names = allowedHosts.stream()
                .filter(h -> !h.contains("/") && !Cidr.isLiteral(h))
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        // a literal address is the block of that one address: listed, it is allowed like one
        this.blocks = allowedHosts.stream()
                .filter(h -> h.contains("/") || Cidr.isLiteral(h))
                .map(Cidr::parse)
                .toList();
        this.restricted = !allowedHosts.isEmpty();
        this.ownServices = List.copyOf(ownServices);
        this.resolver = resolver;
    }

    /** Why the URL may not be called, or empty when it may. */
    Optional<String> refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("only http and https URLs");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty() || url.getUserInfo() != null) {
            return Optional.of("a host name without user info is required");
        }
        try {
            addressesToConnect(host);
        } catch (RefusedAddressException e) {
            return Optional.of("the host resolves to an address webhooks may not reach");
        } catch (UnknownHostException e) {
            return Optional.of("the host does not resolve");
        }
        return Optional.empty();
    }

    /**
     * Resolves {@code host} once and returns the addresses to connect to, all of them checked.
     *
     * @throws RefusedAddressException when any of them may not be reached
     */
    List<InetAddress> addressesToConnect(String host) throws UnknownHostException {
        List<InetAddress> addresses = resolver.resolve(host);
        Set<InetAddress> own = ownAddresses();
        for (InetAddress address : addresses) {
            if (!allowed(host.toLowerCase(Locale.ROOT), address, own)) {
                throw new RefusedAddressException(host);
            }
        }
        return addresses;
    }

    /** The host's addresses, unchecked: {@link #allows} checks each for a delivery to every address. */
    List<InetAddress> resolve(String host) throws UnknownHostException {
        return resolver.resolve(host);
    }

    /** Whether {@code address}, one of {@code host}'s, may be reached. */
    boolean allows(String host, InetAddress address) {
        return allowed(host.toLowerCase(Locale.ROOT), address, ownAddresses());
    }

    /** A name that resolves to an address webhooks may not reach. */
    static final class RefusedAddressException extends UnknownHostException {
        RefusedAddressException(String host) {
            super(host + " resolves to an address webhooks may not reach");
        }
    }

    /** Resolved now: the database or Vault may have moved since start-up. */
    private Set<InetAddress> ownAddresses() {
        Set<InetAddress> addresses = new java.util.HashSet<>();
        for (String host : ownServices) {
            try {
                addresses.addAll(resolver.resolve(host));
            } catch (UnknownHostException e) {
                // a name that does not resolve now is no address a receiver could have either
            }
        }
        return addresses;
    }

    private boolean allowed(String host, InetAddress address, Set<InetAddress> own) {
        if (blocks.stream().anyMatch(block -> block.contains(address))) {
            return true;
        }
        boolean special = address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || CLOUD_METADATA.stream().anyMatch(block -> block.contains(address))
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()
                || own.contains(address);
        return !special && (!restricted || names.stream().anyMatch(name -> matches(name, host)));
    }

    private static boolean matches(String pattern, String host) {
        return pattern.startsWith("*.") ? host.endsWith(pattern.substring(1)) : pattern.equals(host);
    }

    record Cidr(byte[] network, int bits) {

        private static final java.util.regex.Pattern LITERAL =
                java.util.regex.Pattern.compile("\\[?[0-9a-fA-F:.]*[:.][0-9a-fA-F:.]*]?");

        /** An IPv4 or IPv6 address written out, which names no host to look up. */
        static boolean isLiteral(String text) {
            return LITERAL.matcher(text).matches() && (text.contains(":") || text.matches("[0-9.]+"));
        }

        static Cidr parse(String text) {
            String[] parts = text.replace("[", "").replace("]", "").split("/");
            try {
                byte[] network = InetAddress.getByName(parts[0]).getAddress();
                return new Cidr(network, parts.length == 1 ? network.length * 8 : Integer.parseInt(parts[1]));
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("not a CIDR block: " + text, e);
            }
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
