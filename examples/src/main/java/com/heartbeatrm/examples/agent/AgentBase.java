package com.heartbeatrm.examples.agent;

import com.heartbeatrm.protocol.PinnedKeySet;
import com.heartbeatrm.examples.Deployment;
import com.heartbeatrm.installer.BaseInstaller;
import com.heartbeatrm.installer.InstallerException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes the sample agent installer: the small agent jar built by {@code examples/sample-agent} (it travels inside
 * {@code heartbeat.jar} as a resource) with this deployment's issuer public keys added as
 * {@value #PINNED_KEYS}. Nothing of the server goes in: the agent, the installer reader, jackson-core.
 */
public final class AgentBase {
    /** Where the sample agent reads its pinned issuer keys (must match the agent's constant). */
    public static final String PINNED_KEYS = "heartbeat/pinned-keys.json";
    static final String RESOURCE = "/heartbeat/sample-agent.jar";

    private AgentBase() {
    }

    public static void write(Path out, PinnedKeySet pinned) throws IOException {
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".agent", ".tmp");
        try {
            try (InputStream res = AgentBase.class.getResourceAsStream(RESOURCE)) {
                if (res == null) {
                    throw new IOException("the sample agent is missing from this build (" + RESOURCE + ")");
                }
                try (JarInputStream in = new JarInputStream(res); OutputStream os = Files.newOutputStream(tmp)) {
                    Manifest mf = in.getManifest();
                    if (mf == null) {
                        throw new IOException("the embedded sample agent has no manifest");
                    }
                    try (JarOutputStream jar = new JarOutputStream(os, mf)) {
                        JarEntry e;
                        while ((e = in.getNextJarEntry()) != null) {
                            if (e.getName().equals(PINNED_KEYS)) {
                                continue;
                            }
                            jar.putNextEntry(new JarEntry(e.getName()));
                            in.transferTo(jar);
                            jar.closeEntry();
                        }
                        jar.putNextEntry(new JarEntry(PINNED_KEYS));
                        jar.write(pinned.toJson().getBytes(StandardCharsets.UTF_8));
                        jar.closeEntry();
                    }
                }
            }
            Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The sample agent as a base installer, rebuilt whenever the issuer key set changes (a rotation through this
     * process or another), so that a download always pins the current keys.
     */
    public static final class Cache {
        private final Supplier<PinnedKeySet> keys;
        private final Path dir;
        private String builtFor;
        private BaseInstaller base;

        public Cache(Supplier<PinnedKeySet> keys, Path dir) {
            this.keys = keys;
            this.dir = dir;
        }

        public synchronized BaseInstaller current() throws IOException, InstallerException {
            PinnedKeySet now = keys.get();
            String json = now.toJson();
            if (base == null || !json.equals(builtFor)) {
                Deployment.ensurePrivateDirectory(dir);
                // One file per key set: a download still packing from the previous base keeps reading its own file.
                String tag = Integer.toHexString(json.hashCode()) + "-" + Long.toHexString(System.nanoTime());
                Path file = dir.resolve("sample-agent-base-" + tag + ".jar");
                write(file, now);
                base = BaseInstaller.open(file);
                builtFor = json;
            }
            return base;
        }
    }
}
