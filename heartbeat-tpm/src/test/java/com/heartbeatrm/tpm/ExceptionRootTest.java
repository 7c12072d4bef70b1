package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.agent.EnrollmentClient;
import com.heartbeatrm.protocol.HeartbeatCheckedException;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.reflect.Executable;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One exception root per side: on the agent side (the protocol, agent and TPM modules, all on this module's path)
 * every public exception type derives from {@link HeartbeatCheckedException} or is a RuntimeException, and no public
 * method or constructor declares an SDK exception that is not one of those.
 */
class ExceptionRootTest {
    private static final Set<String> MODULES = Set.of("com.heartbeatrm.protocol", "com.heartbeatrm.agent", "com.heartbeatrm.tpm");

    @Test
    @DisplayName("every public exception of the agent-side modules is a HeartbeatCheckedException or a RuntimeException")
    void oneCheckedRoot() throws Exception {
        List<Class<?>> api = publicApi();
        List<Class<?>> exceptions = api.stream().filter(Throwable.class::isAssignableFrom).toList();
        assertThat(exceptions).as("the scan found the agent side's exceptions")
                .contains(TpmException.class, AttestationRefusedException.class, com.heartbeatrm.agent.KeyCustodyException.class,
                        com.heartbeatrm.agent.UnsafeStateException.class, com.heartbeatrm.agent.EnrollmentClientException.class,
                        com.heartbeatrm.protocol.TokenException.class);
        assertThat(exceptions).allSatisfy(e -> assertThat(HeartbeatCheckedException.class.isAssignableFrom(e)
                || RuntimeException.class.isAssignableFrom(e)).as(e.getName()).isTrue());
    }

    @Test
    @DisplayName("no public method or constructor of the agent-side modules declares an SDK exception outside the root")
    void noOtherSdkExceptionEscapes() throws Exception {
        List<String> escaping = new ArrayList<>();
        for (Class<?> c : publicApi()) {
            for (Executable x : Stream.concat(Stream.of(c.getDeclaredMethods()), Stream.of(c.getDeclaredConstructors()))
                    .filter(x -> (x.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0).toList()) {
                for (Class<?> thrown : x.getExceptionTypes()) {
                    boolean sdk = thrown.getModule().isNamed() ? MODULES.contains(thrown.getModule().getName())
                            : thrown.getName().startsWith("com.heartbeatrm.");
                    if (sdk && !HeartbeatCheckedException.class.isAssignableFrom(thrown)) {
                        escaping.add(c.getName() + "." + x.getName() + " throws " + thrown.getName());
                    }
                }
            }
        }
        assertThat(escaping).isEmpty();
        // The I/O of the identity store stays an IOException beside the SDK's own refusals.
        assertThat(com.heartbeatrm.agent.AgentIdentityStore.class.getMethod("load").getExceptionTypes())
                .contains(IOException.class, com.heartbeatrm.agent.UnsafeStateException.class, com.heartbeatrm.agent.KeyCustodyException.class);
    }

    /** The public top-level and nested classes of the exported packages of the three modules. */
    private static List<Class<?>> publicApi() throws IOException, URISyntaxException, ClassNotFoundException {
        List<Class<?>> out = new ArrayList<>();
        for (Class<?> anchor : List.of(HeartbeatCheckedException.class, EnrollmentClient.class, TpmException.class)) {
            Path root = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
            ModuleReference ref = ModuleFinder.of(root).findAll().iterator().next();
            Set<String> exported = ref.descriptor().exports().stream().filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
            try (var reader = ref.open(); Stream<String> names = reader.list()) {
                for (String name : names.filter(n -> n.endsWith(".class") && !n.equals("module-info.class")).toList()) {
                    String binary = name.substring(0, name.length() - ".class".length()).replace('/', '.');
                    String pkg = binary.substring(0, binary.lastIndexOf('.'));
                    if (!exported.contains(pkg)) {
                        continue;
                    }
                    Class<?> c = Class.forName(binary, false, anchor.getClassLoader());
                    if (isPublicApi(c)) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }

    private static boolean isPublicApi(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }
}
