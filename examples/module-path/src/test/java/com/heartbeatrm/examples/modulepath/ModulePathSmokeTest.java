package com.heartbeatrm.examples.modulepath;

import static org.assertj.core.api.Assertions.assertThat;

import com.heartbeatrm.store.jdbc.JdbcHeartbeatStore;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ModulePathSmokeTest {
    @Test
    @DisplayName("on the module path: the SDK's modules are named, the migrations are read from the store's module, an agent enrolls")
    void enrollsOnTheModulePath() throws Exception {
        assertThat(ModulePathSmoke.class.getModule().isNamed()).as("this test runs on the module path").isTrue();
        assertThat(JdbcHeartbeatStore.class.getModule().getName()).isEqualTo("com.heartbeatrm.store.jdbc");
        assertThat(ModulePathSmoke.run()).isEqualTo(200);
    }
}
