package dev.fraudplatform.core.cases;

import java.util.List;

/**
 * The entity graph around an account: its devices, IPs and cards, and the other accounts that share them.
 *
 * @param nodes ids are {@code kind:id} (account, device, ip, card)
 * @param edges between an account and an entity it used, with how many events
 */
public record LinkGraph(List<Node> nodes, List<Edge> edges) {
    public record Node(String id, String kind, String label, boolean centre) {}

    public record Edge(String from, String to, long events) {}
}
