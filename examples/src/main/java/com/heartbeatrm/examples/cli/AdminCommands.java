package com.heartbeatrm.examples.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.heartbeatrm.examples.Deployment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The admin commands: groups, keys, agents, signing keys, and installer lists and revocation. Each one is a route
 * of the admin API, called in-process ({@link LocalApi}), with the same names, checks and complete lists.
 */
final class AdminCommands {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdminCommands() {
    }

    /** Common plumbing: the deployment, the API, and printing lists as text columns or one JSON array. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        HeartbeatCli root() {
            return (HeartbeatCli) spec.root().userObject();
        }

        @Override
        public Integer call() throws Exception {
            try (Deployment d = root().open()) {
                return run(d, new LocalApi(d, root().org));
            }
        }

        abstract int run(Deployment d, LocalApi api) throws Exception;

        static void print(boolean json, List<JsonNode> rows, String... columns) throws Exception {
            if (json) {
                System.out.println(JSON.writeValueAsString(rows));
                return;
            }
            for (JsonNode row : rows) {
                List<String> cells = new ArrayList<>();
                for (String c : columns) {
                    JsonNode v = row.get(c);
                    cells.add(v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
                }
                System.out.println(String.join("\t", cells));
            }
        }
    }

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }

    // ------------------------------------------------------------------------------------------------ groups

    @Command(name = "groups", description = "The group tree and its security settings.", subcommands = {GroupCreate.class, GroupList.class,
        GroupShow.class, GroupSet.class, GroupRename.class, GroupMove.class, GroupDelete.class})
    static final class Groups {
    }

    @Command(name = "create", description = "Creates a group (under the root unless --parent); prints its path.")
    static final class GroupCreate extends Base {
        @Parameters(index = "0")
        String name;

        @Option(names = "--parent", defaultValue = "/")
        String parent;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/groups", body("name", name, "parent", parent)).path("path").asText());
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the groups by path.")
    static final class GroupList extends Base {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            print(json, api.all("/groups", Map.of()), "path", "id");
            return 0;
        }
    }

    @Command(name = "show", description = "A group's effective settings, each with where it comes from.")
    static final class GroupShow extends Base {
        @Parameters(index = "0")
        String path;

        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            JsonNode g = api.get("/groups/" + LocalApi.seg(path), Map.of());
            if (json) {
                System.out.println(JSON.writeValueAsString(g));
                return 0;
            }
            System.out.println(g.path("path").asText() + " (" + g.path("id").asText() + ")");
            for (JsonNode s : g.path("settings")) {
                String lock = s.path("locked").asBoolean() ? ", locked by " + s.path("lockedBy").asText() : "";
                System.out.printf("  %-20s %-12s %s%s%n", s.path("setting").asText(), s.path("value").asText(), s.path("source").asText(), lock);
            }
            return 0;
        }
    }

    @Command(name = "set", description = "Overrides settings on a group (NAME=VALUE; VALUE 'inherit' removes the override); --lock locks them,"
            + " --unlock unlocks them.")
    static final class GroupSet extends Base {
        @Parameters(index = "0")
        String path;

        @Parameters(index = "1..*", arity = "1..*")
        List<String> assignments;

        @Option(names = "--lock")
        boolean lock;

        @Option(names = "--unlock")
        boolean unlock;

        @Override
        int run(Deployment d, LocalApi api) {
            Map<String, Object> settings = new LinkedHashMap<>();
            List<String> names = new ArrayList<>();
            for (String a : assignments) {
                int eq = a.indexOf('=');
                if (eq <= 0 && !(lock || unlock)) {
                    throw new LocalApi.Failure(400, "expected NAME=VALUE, got " + a);
                }
                String name = eq > 0 ? a.substring(0, eq) : a;
                if (eq > 0) {
                    settings.put(name, a.substring(eq + 1));
                }
                names.add(name);
            }
            api.post("/groups/" + LocalApi.seg(path) + "/settings", body("settings", settings.isEmpty() ? null : settings,
                    "lock", lock ? names : null, "unlock", unlock ? names : null));
            return 0;
        }
    }

    @Command(name = "rename", description = "Renames a group; prints its new path.")
    static final class GroupRename extends Base {
        @Parameters(index = "0")
        String path;

        @Parameters(index = "1")
        String name;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/groups/" + LocalApi.seg(path) + "/rename", body("name", name)).path("path").asText());
            return 0;
        }
    }

    @Command(name = "move", description = "Moves a group under another; prints its new path.")
    static final class GroupMove extends Base {
        @Parameters(index = "0")
        String path;

        @Option(names = "--parent", required = true)
        String parent;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/groups/" + LocalApi.seg(path) + "/move", body("parent", parent)).path("path").asText());
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes an empty group.")
    static final class GroupDelete extends Base {
        @Parameters(index = "0")
        String path;

        @Override
        int run(Deployment d, LocalApi api) {
            api.delete("/groups/" + LocalApi.seg(path));
            return 0;
        }
    }

    // -------------------------------------------------------------------------------------------------- keys

    @Command(name = "keys", description = "Access keys.", subcommands = {KeyCreate.class, KeyList.class, KeyShow.class, KeyDisable.class,
        KeyEnable.class, KeyRename.class, KeyRepoint.class, KeyAssign.class, KeyUnthrottle.class, KeyDelete.class})
    static final class Keys {
    }

    @Command(name = "create", description = "Creates an access key; prints its id.")
    static final class KeyCreate extends Base {
        @Parameters(index = "0")
        String name;

        @Option(names = "--group", required = true)
        String group;

        @Option(names = "--expires", description = "lifetime, e.g. 90d or 12h")
        String expires;

        @Option(names = "--expires-at", description = "a date (2026-12-31) or an instant (2026-12-31T23:59:59Z)")
        String expiresAt;

        @Option(names = "--max-uses")
        Long maxUses;

        @Option(names = "--networks", description = "CIDR,...")
        String networks;

        @Option(names = "--platforms", description = "windows,macos,linux")
        String platforms;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/keys", body("name", name, "group", group, "expires", expires, "expiresAt", expiresAt,
                    "maxUses", maxUses, "networks", networks, "platforms", platforms)).path("id").asText());
            return 0;
        }
    }

    @Command(name = "list", description = "Lists every access key; THROTTLED names the sources a key is locked for.")
    static final class KeyList extends Base {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            List<JsonNode> rows = api.all("/keys", Map.of());
            if (!json) {
                for (JsonNode r : rows) {
                    if (r.has("throttled")) {
                        List<String> t = new ArrayList<>();
                        r.get("throttled").forEach(x -> t.add(x.path("source").asText() + " until " + x.path("until").asText()));
                        ((com.fasterxml.jackson.databind.node.ObjectNode) r).put("throttled", "THROTTLED " + String.join(", ", t));
                    }
                }
            }
            print(json, rows, "id", "name", "group", "status", "uses", "maxUses", "throttled");
            return 0;
        }
    }

    @Command(name = "show", description = "Shows one access key (id or name) as JSON.")
    static final class KeyShow extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            System.out.println(JSON.writeValueAsString(api.get("/keys/" + LocalApi.seg(key), Map.of())));
            return 0;
        }
    }

    @Command(name = "disable", description = "Disables a key: every installer that references it is refused.")
    static final class KeyDisable extends Base {
        @Parameters(index = "0")
        String key;

        @Option(names = "--reason")
        String reason;

        @Override
        int run(Deployment d, LocalApi api) {
            api.post("/keys/" + LocalApi.seg(key) + "/disable", body("reason", reason));
            return 0;
        }
    }

    @Command(name = "enable", description = "Enables a key again.")
    static final class KeyEnable extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, LocalApi api) {
            api.post("/keys/" + LocalApi.seg(key) + "/enable", Map.of());
            return 0;
        }
    }

    @Command(name = "rename", description = "Renames a key.")
    static final class KeyRename extends Base {
        @Parameters(index = "0")
        String key;

        @Parameters(index = "1")
        String name;

        @Override
        int run(Deployment d, LocalApi api) {
            api.post("/keys/" + LocalApi.seg(key) + "/rename", body("name", name));
            return 0;
        }
    }

    @Command(name = "repoint", description = "Re-points a key to another group: future installs land there, no new installer needed.")
    static class KeyRepoint extends Base {
        @Parameters(index = "0")
        String key;

        @Option(names = "--group", required = true)
        String group;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/keys/" + LocalApi.seg(key) + "/repoint", body("group", group)).path("group").asText());
            return 0;
        }
    }

    /** The old name of {@code repoint}, kept for scripts. */
    @Command(name = "assign", hidden = true, description = "Old name of repoint.")
    static final class KeyAssign extends KeyRepoint {
    }

    @Command(name = "unthrottle", description = "Lifts every lock on a key that failed attempts put on it; prints how many.")
    static final class KeyUnthrottle extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/keys/" + LocalApi.seg(key) + "/unthrottle", Map.of()).path("lifted").asInt());
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a key for good.")
    static final class KeyDelete extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, LocalApi api) {
            api.delete("/keys/" + LocalApi.seg(key));
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ agents

    @Command(name = "agents", description = "Enrolled agents.", subcommands = {AgentList.class, AgentShow.class, AgentApprove.class, AgentDeny.class,
        AgentMove.class, AgentDisable.class, AgentEnable.class, AgentUnlock.class})
    static final class Agents {
    }

    @Command(name = "list", description = "Lists every agent (of one group, key or status with --group, --key, --status).")
    static final class AgentList extends Base {
        @Option(names = "--group")
        String group;

        @Option(names = "--key")
        String key;

        @Option(names = "--status", description = "ACTIVE, PENDING, DISABLED, LOCKED, ...")
        String status;

        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("group", group);
            q.put("key", key);
            q.put("status", status);
            List<JsonNode> rows = api.all("/agents", q);
            if (!json) {
                // One cell: the TPM's endorsement key hash and what trusted it (a CA's fingerprint or allow-list).
                for (JsonNode r : rows) {
                    JsonNode att = r.get("attested");
                    if (att != null && r instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
                        o.put("attested", att.path("ekSha256").asText() + " by " + att.path("trustedBy").asText());
                    }
                }
            }
            print(json, rows, "id", "hostname", "group", "status", "platform", "keyAlgorithm", "enrolled", "machineFingerprint", "attested");
            return 0;
        }
    }

    @Command(name = "show", description = "One agent: every field the admin API shows, one per line (its machine fingerprint and TPM too).")
    static final class AgentShow extends Base {
        @Parameters(index = "0", description = "agent id")
        String id;

        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            JsonNode a = api.get("/agents/" + LocalApi.seg(id), Map.of());
            if (json) {
                System.out.println(JSON.writeValueAsString(a));
                return 0;
            }
            for (Map.Entry<String, JsonNode> f : a.properties()) {
                if (f.getValue().isObject()) {
                    for (Map.Entry<String, JsonNode> inner : f.getValue().properties()) {
                        System.out.printf("%-22s %s%n", f.getKey() + "." + inner.getKey(), inner.getValue().asText());
                    }
                } else {
                    System.out.printf("%-22s %s%n", f.getKey(), f.getValue().asText());
                }
            }
            return 0;
        }
    }

    abstract static class AgentAction extends Base {
        @Parameters(index = "0", description = "agent id")
        String id;

        abstract String action();

        Map<String, ?> body() {
            return Map.of();
        }

        @Override
        int run(Deployment d, LocalApi api) {
            JsonNode a = api.post("/agents/" + LocalApi.seg(id) + "/" + action(), body());
            System.out.println(a.path("id").asText() + "\t" + a.path("status").asText() + "\t" + a.path("group").asText());
            return 0;
        }
    }

    @Command(name = "approve", description = "Approves a pending agent.")
    static final class AgentApprove extends AgentAction {
        @Override
        String action() {
            return "approve";
        }
    }

    @Command(name = "deny", description = "Denies a pending agent.")
    static final class AgentDeny extends AgentAction {
        @Override
        String action() {
            return "deny";
        }
    }

    @Command(name = "disable", description = "Disables an agent: it is refused at renewal, and its credential fails the server's check at once.")
    static final class AgentDisable extends AgentAction {
        @Override
        String action() {
            return "disable";
        }
    }

    @Command(name = "enable", description = "Enables a disabled agent again.")
    static final class AgentEnable extends AgentAction {
        @Override
        String action() {
            return "enable";
        }
    }

    @Command(name = "unlock", description = "Unlocks an agent locked as a clone; its next renewal must prove its latest credential.")
    static final class AgentUnlock extends AgentAction {
        @Option(names = "--reason")
        String reason;

        @Override
        String action() {
            return "unlock";
        }

        @Override
        Map<String, ?> body() {
            return AdminCommands.body("reason", reason);
        }
    }

    @Command(name = "move", description = "Moves an agent to another group.")
    static final class AgentMove extends AgentAction {
        @Option(names = "--group", required = true)
        String group;

        @Override
        String action() {
            return "move";
        }

        @Override
        Map<String, ?> body() {
            return AdminCommands.body("group", group);
        }
    }

    // ------------------------------------------------------------------------------------------ signing keys

    @Command(name = "signing-keys", description = "The deployment's issuer signing keys.", subcommands = {SigningList.class, SigningRotate.class,
        SigningExport.class})
    static final class SigningKeys {
    }

    @Command(name = "list", description = "Lists the issuer signing keys.")
    static final class SigningList extends Base {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            List<JsonNode> rows = new ArrayList<>();
            api.get("/signing-keys", Map.of()).path("items").forEach(rows::add);
            print(json, rows, "id", "status", "created");
            return 0;
        }
    }

    @Command(name = "rotate", description = "Makes a new active signing key; the old one keeps verifying. Downloads pin the new set at once.")
    static final class SigningRotate extends Base {
        @Override
        int run(Deployment d, LocalApi api) {
            System.out.println(api.post("/signing-keys/rotate", Map.of()).path("active").asText());
            return 0;
        }
    }

    @Command(name = "export", description = "Writes the public key set (JSON) for pinning into agent builds.")
    static final class SigningExport extends Base {
        @Option(names = "--out", required = true)
        Path out;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            HeartbeatCli.writeOut(out, d.server.signingKeys().publicKeySet().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            d.server.signingKeys().publicKeySet().keys().forEach(k -> System.out.println(k.keyId()));
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------- installer records

    @Command(name = "list", description = "Lists every generated installer (of one key with --key).")
    static final class InstallerList extends Base {
        @Option(names = "--key")
        String key;

        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, LocalApi api) throws Exception {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("key", key);
            print(json, api.all("/installers", q), "id", "key", "format", "issued", "revoked");
            return 0;
        }
    }

    @Command(name = "revoke", description = "Revokes one installer (its token); the key is untouched.")
    static final class InstallerRevoke extends Base {
        @Parameters(index = "0")
        String id;

        @Option(names = "--reason")
        String reason;

        @Override
        int run(Deployment d, LocalApi api) {
            api.post("/installers/" + LocalApi.seg(id) + "/revoke", body("reason", reason));
            return 0;
        }
    }
}
