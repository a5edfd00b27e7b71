package dev.fraudplatform.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fraudplatform.deploy.TerraformStack.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a Step Functions definition (Amazon States Language) asks of ECS, read from the definition: the clusters and task
 * definition families its tasks run, the services it scales, and the containers its overrides name. {@link #unresolved}
 * holds them against a Terraform stack: each must be defined there under exactly that name.
 */
public record StateMachineReferences(
        Set<String> clusters, Set<String> families, Set<String> services, Set<String> containers) {

    private static final Pattern CONTAINER_NAME = Pattern.compile("\\bname\\s*[=:]\\s*\"([^\"$]+)\"");

    /** The references in {@code definition}, wherever they sit in it (states, maps, parallels, parameters). */
    public static StateMachineReferences of(JsonNode definition) {
        Set<String> clusters = new TreeSet<>(), families = new TreeSet<>(), services = new TreeSet<>();
        Set<String> containers = new TreeSet<>();
        walk(definition, clusters, families, services, containers);
        return new StateMachineReferences(clusters, families, services, containers);
    }

    private static void walk(
            JsonNode n, Set<String> clusters, Set<String> families, Set<String> services, Set<String> containers) {
        if (n.isArray()) {
            n.forEach(c -> walk(c, clusters, families, services, containers));
            return;
        }
        if (!n.isObject()) return;
        for (Map.Entry<String, JsonNode> e : (Iterable<Map.Entry<String, JsonNode>>) n::fields) {
            String key = e.getKey();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                String s = v.asText();
                if (key.equalsIgnoreCase("cluster") && s.contains(":cluster/"))
                    clusters.add(s.substring(s.indexOf(":cluster/") + 9));
                if (key.equals("TaskDefinition") && s.contains(":task-definition/"))
                    families.add(
                            s.substring(s.indexOf(":task-definition/") + 17).replaceFirst(":\\d+$", ""));
                if (key.equalsIgnoreCase("service")) services.add(s);
            }
            if (key.equalsIgnoreCase("services") && v.isArray()) v.forEach(s -> services.add(s.asText()));
            if (key.equals("ContainerOverrides") && v.isArray())
                v.forEach(c -> {
                    if (c.path("Name").isTextual())
                        containers.add(c.path("Name").asText());
                });
            walk(v, clusters, families, services, containers);
        }
    }

    /**
     * Each reference {@code stack} does not define, as a line: a cluster with no {@code aws_ecs_cluster} of its name, a
     * family with no {@code aws_ecs_task_definition}, a service with no {@code aws_ecs_service}, a container no task
     * definition has. Names are read through locals, variable defaults and {@code for_each} keys; one that cannot be
     * read defines nothing.
     */
    public List<String> unresolved(TerraformStack stack) {
        Set<String> definedClusters = names(stack, "aws_ecs_cluster", "name");
        Set<String> definedFamilies = names(stack, "aws_ecs_task_definition", "family");
        Set<String> definedServices = names(stack, "aws_ecs_service", "name");
        Set<String> definedContainers = new TreeSet<>();
        for (Block b : stack.resources("aws_ecs_task_definition")) {
            Matcher m = CONTAINER_NAME.matcher(b.get("container_definitions").asText(""));
            while (m.find()) definedContainers.add(m.group(1));
        }
        List<String> out = new ArrayList<>();
        missing(out, "cluster", clusters, definedClusters);
        missing(out, "task definition family", families, definedFamilies);
        missing(out, "service", services, definedServices);
        missing(out, "container", containers, definedContainers);
        return out;
    }

    private static Set<String> names(TerraformStack stack, String type, String attribute) {
        Set<String> out = new TreeSet<>();
        for (Block b : stack.resources(type))
            stack.valuesOf(b, attribute).stream().filter(Objects::nonNull).forEach(out::add);
        return out;
    }

    private static void missing(List<String> out, String kind, Set<String> wanted, Set<String> defined) {
        for (String w : wanted)
            if (!defined.contains(w)) out.add(kind + " " + w + " is not defined (defined: " + defined + ")");
    }
}
