package com.heartbeatrm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ModuleBoundaryTest {
    @Test
    @DisplayName("the module exports the API packages only; internal stays hidden")
    void exportsOnlyApi() throws Exception {
        Path classes = Path.of("target/classes");
        assertThat(classes.resolve("module-info.class")).exists();
        {
            ModuleDescriptor d = ModuleFinder.of(classes).find("com.heartbeatrm.core").orElseThrow().descriptor();
            assertThat(d.name()).isEqualTo("com.heartbeatrm.core");
            assertThat(d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder("com.heartbeatrm.core", "com.heartbeatrm.core.spi", "com.heartbeatrm.core.memory");
            assertThat(d.packages()).contains("com.heartbeatrm.core.internal");
            assertThat(d.opens()).isEmpty();
        }
    }
}
