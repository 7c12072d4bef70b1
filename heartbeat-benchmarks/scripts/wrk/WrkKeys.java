// Access keys and enrollment tokens for wrk-bench.sh, run as a single-file program on the serving build's own jar
// (before serve starts: it opens the deployment, migrations included), so that it compiles against every build:
//   java -cp heartbeat.jar heartbeat-benchmarks/scripts/wrk/WrkKeys.java DATA JDBC_URL ORG N OUT
// N access keys (each in its own group; N = 1: the default key) and one enrollment token per key, one per line, in OUT.
import com.heartbeatrm.core.AccessKey;
import com.heartbeatrm.core.AccessKeySpec;
import com.heartbeatrm.core.Actor;
import com.heartbeatrm.core.Group;
import com.heartbeatrm.core.NewOrganization;
import com.heartbeatrm.enrollment.InstallerRequest;
import com.heartbeatrm.examples.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class WrkKeys {
    public static void main(String[] a) throws Exception {
        keys(Path.of(a[0]), a[1], a[2], Integer.parseInt(a[3]), Path.of(a[4]));
    }

    static void keys(Path data, String jdbc, String orgName, int n, Path out) throws Exception {
        Actor actor = Actor.of("wrk");
        try (Deployment d = Deployment.open(data, jdbc, "postgres", null)) {
            d.server.signingKeys().ensureActiveKey();
            NewOrganization org = d.admin.organizations().setUp(actor, orgName);
            List<AccessKey> keys = new ArrayList<>();
            if (n == 1) {
                keys.add(org.defaultKey());
            } else {
                for (int i = 0; i < n; i++) {
                    Group g = d.admin.groups().create(actor, org.id(), org.rootGroup().id(), "Site " + i);
                    keys.add(d.admin.accessKeys().create(actor, org.id(), AccessKeySpec.builder("Site " + i + " key", g.id()).build()));
                }
            }
            StringBuilder b = new StringBuilder();
            for (AccessKey k : keys) {
                b.append(d.server.installers().issueToken(actor, org.id(), k.id(), InstallerRequest.builder().build()).token().reveal()).append('\n');
            }
            Files.writeString(out, b);
        }
    }
}
