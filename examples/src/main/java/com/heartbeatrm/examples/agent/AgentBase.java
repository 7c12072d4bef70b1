package com.heartbeatrm.examples.agent;

import com.heartbeatrm.agent.PinnedKeySet;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Writes the sample agent as a runnable JAR with this deployment's issuer public keys pinned inside: the
 * classes of the running {@code heartbeat.jar}, a manifest that starts {@link SampleAgent}, and the key set.
 */
public final class AgentBase {
    private AgentBase() {
    }

    public static void write(Path out, PinnedKeySet pinned) throws IOException {
        Path self;
        try {
            self = Path.of(AgentBase.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        if (!Files.isRegularFile(self)) {
            throw new IOException("agent-base must run from heartbeat.jar (it copies its classes from there)");
        }
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SampleAgent.class.getName());
        Path tmp = Files.createTempFile(out.toAbsolutePath().getParent(), ".agent", ".tmp");
        try (JarFile source = new JarFile(self.toFile()); OutputStream os = Files.newOutputStream(tmp);
                JarOutputStream jar = new JarOutputStream(os, mf)) {
            Enumeration<JarEntry> entries = source.entries();
            while (entries.hasMoreElements()) {
                JarEntry e = entries.nextElement();
                String name = e.getName();
                if (name.equalsIgnoreCase("META-INF/MANIFEST.MF") || name.equals(SampleAgent.PINNED_KEYS)
                        || name.matches("(?i)META-INF/[^/]+\\.(SF|RSA|DSA|EC)")) {
                    continue;
                }
                jar.putNextEntry(new JarEntry(name));
                try (InputStream in = source.getInputStream(e)) {
                    in.transferTo(jar);
                }
                jar.closeEntry();
            }
            jar.putNextEntry(new JarEntry(SampleAgent.PINNED_KEYS));
            jar.write(pinned.toJson().getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
