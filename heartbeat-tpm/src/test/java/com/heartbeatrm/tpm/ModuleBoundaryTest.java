package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ModuleBoundaryTest {
    @Test
    @DisplayName("the module exports the API package only, needs the JDK and the agent SDK at run time, and hides the marshalling")
    void exportsOnlyApi() {
        ModuleDescriptor d = ModuleFinder.of(Path.of("target/classes")).find("com.heartbeatrm.tpm").orElseThrow().descriptor();
        assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                .containsExactly("com.heartbeatrm.tpm");
        assertThat(d.packages()).contains("com.heartbeatrm.tpm.internal");
        assertThat(d.requires().stream().filter(r -> !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name)).allMatch(n -> n.startsWith("java.") || n.equals("com.heartbeatrm.agent"));
        // The agent SDK's SPIs are part of this module's API (TpmKeyCustody, TpmEnrollmentAttestor).
        assertThat(d.requires()).anyMatch(r -> r.name().equals("com.heartbeatrm.agent")
                && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE));
        // JSpecify's @Nullable, read at compile time only.
        assertThat(d.requires().stream().filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC))
                .map(ModuleDescriptor.Requires::name)).containsOnly("org.jspecify");
        assertThat(d.opens()).isEmpty();
    }
}
