package dev.fraudplatform.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlatformRolesTest {
    @Test
    void aListNamesItsRolesAndAllAndNoneAreWholeSets() {
        assertThat(PlatformRoles.parse("df,al")).containsExactlyInAnyOrder(PlatformRoles.DF, PlatformRoles.AL);
        assertThat(PlatformRoles.parse(" IG , dla ")).containsExactlyInAnyOrder(PlatformRoles.IG, PlatformRoles.DLA);
        assertThat(PlatformRoles.parse(null)).hasSize(7);
        assertThat(PlatformRoles.parse("all")).hasSize(7);
        assertThat(PlatformRoles.parse("none")).isEmpty();
        assertThat(PlatformRoles.format(EnumSet.of(PlatformRoles.ARCHIVE, PlatformRoles.CM)))
                .isEqualTo("archive,cm");
        assertThat(PlatformRoles.format(PlatformRoles.all())).isEqualTo("all");
    }

    @Test
    void anUnknownRoleIsOneLineListingTheRoles() {
        assertThatThrownBy(() -> PlatformRoles.parse("df,scorer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown role 'scorer': the roles are ig,df,al,dla,archive,cm,ls, or all, or none");
    }

    @Test
    void theConfigurationCarriesTheRolesAndTheRemoteGate() {
        PlatformConfig c = PlatformConfig.from(Map.of("FP_ROLES", "none", "FP_GATE_URL", "http://127.0.0.1:7000"));
        assertThat(c.roles()).isEmpty();
        assertThat(c.gateUrl()).isEqualTo("http://127.0.0.1:7000");
        assertThat(c.describe()).contains("roles none");
        assertThat(c.withRoles(EnumSet.of(PlatformRoles.DF)).roles()).containsExactly(PlatformRoles.DF);
        assertThat(PlatformConfig.from(Map.of()).roles()).hasSize(7);
    }
}
