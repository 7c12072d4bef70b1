package com.heartbeatrm.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.heartbeatrm.agent.SigningPublicKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.AgentId;
import com.heartbeatrm.core.AgentStatus;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.GroupSettings;
import com.heartbeatrm.core.InstallerId;
import com.heartbeatrm.core.InvalidInputException;
import com.heartbeatrm.core.NetworkAllowList;
import com.heartbeatrm.core.Organization;
import com.heartbeatrm.core.PlatformSet;
import com.heartbeatrm.core.ResolvedSetting;
import com.heartbeatrm.core.SecuritySetting;
import com.heartbeatrm.enrollment.IssuerKeyInfo;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.examples.Views;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The admin commands: groups, keys, agents, signing keys, and installer lists and revocation. */
final class AdminCommands {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AdminCommands() {
    }

    /** Common plumbing: the deployment, the organization, and printing lists as text or one JSON array. */
    abstract static class Base implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        HeartbeatCli root() {
            return (HeartbeatCli) spec.root().userObject();
        }

        @Override
        public Integer call() throws Exception {
            try (Deployment d = root().open()) {
                return run(d, root().organization(d));
            }
        }

        abstract int run(Deployment d, Organization org) throws Exception;

        static void print(boolean json, List<Map<String, Object>> rows, String... columns) throws Exception {
            if (json) {
                System.out.println(JSON.writeValueAsString(rows));
                return;
            }
            for (Map<String, Object> row : rows) {
                List<String> cells = new ArrayList<>();
                for (String c : columns) {
                    cells.add(String.valueOf(row.getOrDefault(c, "")));
                }
                System.out.println(String.join("\t", cells));
            }
        }
    }




    // ------------------------------------------------------------------------------------------------ groups

    @Command(name = "groups", description = "The group tree and its security settings.", subcommands = {GroupCreate.class, GroupList.class,
        GroupShow.class, GroupSet.class, GroupMove.class, GroupDelete.class})
    static final class Groups {
    }

    @Command(name = "create", description = "Creates a group (under the root unless --parent).")
    static final class GroupCreate extends Base {
        @Parameters(index = "0")
        String name;

        @Option(names = "--parent", defaultValue = "/")
        String parent;

        @Override
        int run(Deployment d, Organization org) {
            Group g = d.admin.groups().create(HeartbeatCli.CLI, org.id(), Views.group(d, org, parent).id(), name);
            System.out.println(d.admin.groups().pathOf(org.id(), g.id()));
            return 0;
        }
    }

    @Command(name = "list", description = "Lists the groups, depth first.")
    static final class GroupList extends Base {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, Organization org) throws Exception {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Group g : d.admin.groups().subtree(org.id(), org.rootGroupId())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("path", d.admin.groups().pathOf(org.id(), g.id()));
                m.put("id", g.id().value());
                rows.add(m);
            }
            print(json, rows, "path", "id");
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
        int run(Deployment d, Organization org) throws Exception {
            Group g = Views.group(d, org, path);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ResolvedSetting<?> r : d.admin.groups().effectiveSettings(org.id(), g.id()).all()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("setting", r.setting().name());
                m.put("value", text(r));
                m.put("source", r.describeSource());
                m.put("locked", r.lockedBy().isPresent());
                rows.add(m);
            }
            print(json, rows, "setting", "value", "source");
            return 0;
        }

        private static <T> String text(ResolvedSetting<T> r) {
            return r.setting().format(r.value());
        }
    }

    @Command(name = "set", description = "Overrides settings on a group (NAME=VALUE; VALUE 'inherit' removes the override); --lock locks them.")
    static final class GroupSet extends Base {
        @Parameters(index = "0")
        String path;

        @Parameters(index = "1..*", arity = "1..*")
        List<String> assignments;

        @Option(names = "--lock")
        boolean lock;

        @Override
        int run(Deployment d, Organization org) {
            Group g = Views.group(d, org, path);
            GroupSettings s = g.settings();
            for (String a : assignments) {
                int eq = a.indexOf('=');
                if (eq <= 0) {
                    throw new InvalidInputException("setting", "expected NAME=VALUE, got " + a);
                }
                SecuritySetting<?> setting = SecuritySetting.byName(a.substring(0, eq))
                        .orElseThrow(() -> new InvalidInputException("setting", "unknown setting " + a.substring(0, a.indexOf('='))));
                String value = a.substring(eq + 1);
                s = value.equalsIgnoreCase("inherit") ? s.withoutOverride(setting) : withParsed(s, setting, value);
                if (lock) {
                    s = s.withLock(setting, true);
                }
            }
            d.admin.groups().changeSettings(HeartbeatCli.CLI, org.id(), g.id(), s, g.version());
            return 0;
        }

        private static <T> GroupSettings withParsed(GroupSettings s, SecuritySetting<T> setting, String value) {
            return s.withOverride(setting, setting.parse(value));
        }
    }

    @Command(name = "move", description = "Moves a group under another.")
    static final class GroupMove extends Base {
        @Parameters(index = "0")
        String path;

        @Option(names = "--parent", required = true)
        String parent;

        @Override
        int run(Deployment d, Organization org) {
            Group g = d.admin.groups().move(HeartbeatCli.CLI, org.id(), Views.group(d, org, path).id(), Views.group(d, org, parent).id());
            System.out.println(d.admin.groups().pathOf(org.id(), g.id()));
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes an empty group.")
    static final class GroupDelete extends Base {
        @Parameters(index = "0")
        String path;

        @Override
        int run(Deployment d, Organization org) {
            d.admin.groups().delete(HeartbeatCli.CLI, org.id(), Views.group(d, org, path).id());
            return 0;
        }
    }

    // -------------------------------------------------------------------------------------------------- keys

    @Command(name = "keys", description = "Access keys.", subcommands = {KeyCreate.class, KeyList.class, KeyShow.class, KeyDisable.class,
        KeyEnable.class, KeyAssign.class, KeyDelete.class})
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

        @Option(names = "--max-uses")
        Long maxUses;

        @Option(names = "--networks", description = "CIDR,...")
        String networks;

        @Option(names = "--platforms", description = "windows,macos,linux")
        String platforms;

        @Override
        int run(Deployment d, Organization org) {
            AccessKeySpec.Builder b = AccessKeySpec.builder(name, Views.group(d, org, group).id());
            if (expires != null) {
                b.expiresIn(parseDuration(expires));
            }
            if (maxUses != null) {
                b.maxUses(maxUses);
            }
            if (networks != null) {
                b.networks(NetworkAllowList.parse(networks));
            }
            if (platforms != null) {
                b.platforms(PlatformSet.parse(platforms));
            }
            System.out.println(d.admin.accessKeys().create(HeartbeatCli.CLI, org.id(), b.build()).id());
            return 0;
        }

        private static Duration parseDuration(String text) {
            return SecuritySetting.MAX_KEY_LIFETIME.parse(text).maximum()
                    .orElseThrow(() -> new InvalidInputException("--expires", "a key lifetime, e.g. 90d"));
        }
    }

    @Command(name = "list", description = "Lists the access keys.")
    static final class KeyList extends Base {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, Organization org) throws Exception {
            print(json, Views.keyRows(d, org), "id", "name", "group", "status", "uses");
            return 0;
        }
    }

    @Command(name = "show", description = "Shows one access key.")
    static final class KeyShow extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, Organization org) throws Exception {
            System.out.println(JSON.writeValueAsString(Views.keyRow(d, org, Views.key(d, org, key))));
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
        int run(Deployment d, Organization org) {
            d.admin.accessKeys().disable(HeartbeatCli.CLI, org.id(), Views.key(d, org, key).id(), reason);
            return 0;
        }
    }

    @Command(name = "enable", description = "Enables a key again.")
    static final class KeyEnable extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, Organization org) {
            d.admin.accessKeys().enable(HeartbeatCli.CLI, org.id(), Views.key(d, org, key).id());
            return 0;
        }
    }

    @Command(name = "assign", description = "Re-points a key to another group (future installs land there).")
    static final class KeyAssign extends Base {
        @Parameters(index = "0")
        String key;

        @Option(names = "--group", required = true)
        String group;

        @Override
        int run(Deployment d, Organization org) {
            d.admin.accessKeys().repoint(HeartbeatCli.CLI, org.id(), Views.key(d, org, key).id(), Views.group(d, org, group).id());
            return 0;
        }
    }

    @Command(name = "delete", description = "Deletes a key for good.")
    static final class KeyDelete extends Base {
        @Parameters(index = "0")
        String key;

        @Override
        int run(Deployment d, Organization org) {
            d.admin.accessKeys().delete(HeartbeatCli.CLI, org.id(), Views.key(d, org, key).id());
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------------ agents

    @Command(name = "agents", description = "Enrolled agents.", subcommands = {AgentList.class, AgentApprove.class, AgentDeny.class,
        AgentMove.class, AgentDisable.class})
    static final class Agents {
    }

    @Command(name = "list", description = "Lists agents (of one group with --group).")
    static final class AgentList extends Base {
        @Option(names = "--group")
        String group;

        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, Organization org) throws Exception {
            print(json, Views.agentRows(d, org, group), "id", "hostname", "group", "status");
            return 0;
        }
    }

    @Command(name = "approve", description = "Approves a pending agent.")
    static final class AgentApprove extends Base {
        @Parameters(index = "0")
        String id;

        @Override
        int run(Deployment d, Organization org) {
            d.enrollment().approve(HeartbeatCli.CLI, org.id(), AgentId.parse(id));
            return 0;
        }
    }

    @Command(name = "deny", description = "Denies a pending agent.")
    static final class AgentDeny extends Base {
        @Parameters(index = "0")
        String id;

        @Override
        int run(Deployment d, Organization org) {
            d.enrollment().deny(HeartbeatCli.CLI, org.id(), AgentId.parse(id));
            return 0;
        }
    }

    @Command(name = "move", description = "Moves an agent to another group.")
    static final class AgentMove extends Base {
        @Parameters(index = "0")
        String id;

        @Option(names = "--group", required = true)
        String group;

        @Override
        int run(Deployment d, Organization org) {
            d.admin.agents().move(HeartbeatCli.CLI, org.id(), AgentId.parse(id), Views.group(d, org, group).id());
            return 0;
        }
    }

    @Command(name = "disable", description = "Disables an agent: its credential is no longer renewed.")
    static final class AgentDisable extends Base {
        @Parameters(index = "0")
        String id;

        @Override
        int run(Deployment d, Organization org) {
            d.admin.agents().setStatus(HeartbeatCli.CLI, org.id(), AgentId.parse(id), AgentStatus.DISABLED);
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------------ signing keys

    @Command(name = "signing-keys", description = "The deployment's issuer signing keys.", subcommands = {SigningList.class, SigningRotate.class,
        SigningExport.class})
    static final class SigningKeys {
    }

    /** Signing keys belong to the deployment, not to an organization. */
    abstract static class DeploymentBase implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try (Deployment d = ((HeartbeatCli) spec.root().userObject()).open()) {
                return run(d);
            }
        }

        abstract int run(Deployment d) throws Exception;
    }

    @Command(name = "list", description = "Lists the issuer signing keys.")
    static final class SigningList extends DeploymentBase {
        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d) throws Exception {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (IssuerKeyInfo k : d.issuerKeys.list()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", k.keyId());
                m.put("status", k.status().name());
                m.put("created", k.createdAt().toString());
                k.retiredAt().ifPresent(r -> m.put("retired", r.toString()));
                rows.add(m);
            }
            Base.print(json, rows, "id", "status", "created");
            return 0;
        }
    }

    @Command(name = "rotate", description = "Creates a new active signing key; the old one keeps verifying until removed.")
    static final class SigningRotate extends DeploymentBase {
        @Override
        int run(Deployment d) {
            System.out.println(d.issuerKeys.rotate().keyId());
            return 0;
        }
    }

    @Command(name = "export", description = "Writes the public key set (JSON) for pinning into agent builds.")
    static final class SigningExport extends DeploymentBase {
        @Option(names = "--out", required = true)
        Path out;

        @Override
        int run(Deployment d) throws Exception {
            Files.writeString(out, d.issuerKeys.publicKeySet().toJson());
            for (SigningPublicKey k : d.issuerKeys.publicKeySet().keys()) {
                System.out.println(k.keyId());
            }
            return 0;
        }
    }

    // ------------------------------------------------------------------------------------- installer records

    @Command(name = "list", description = "Lists generated installers (of one key with --key).")
    static final class InstallerList extends Base {
        @Option(names = "--key")
        String key;

        @Option(names = "--json")
        boolean json;

        @Override
        int run(Deployment d, Organization org) throws Exception {
            print(json, Views.installerRows(d, org, key), "id", "key", "format", "issued", "revoked");
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
        int run(Deployment d, Organization org) throws Exception {
            d.tokens().revoke(HeartbeatCli.CLI, org.id(), InstallerId.parse(id), reason);
            return 0;
        }
    }
}
