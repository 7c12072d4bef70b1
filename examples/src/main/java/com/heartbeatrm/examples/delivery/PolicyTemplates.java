package com.heartbeatrm.examples.delivery;

import com.heartbeatrm.protocol.EnrollmentTokenVerifier;
import com.heartbeatrm.agent.TokenDelivery;

/**
 * The Group Policy administrative template pair for the agent: {@value #ADMX_NAME} (the policies) and
 * {@code en-US/}{@value #ADML_NAME} (their text). Imported into the central store (GPO) or as a custom ADMX
 * (Intune), they set {@value TokenDelivery#TOKEN_SETTING} (a {@code REG_SZ}) and {@code ServerURL} in
 * {@code HKLM\Software\Policies\HeartbeatRM\Agent}, which the agent SDK reads on Windows. The token names and pins
 * its servers itself: {@code ServerURL} is for the operator's reference and the agent's reporting, never a place the
 * agent enrolls at.
 */
public final class PolicyTemplates {
    public static final String ADMX_NAME = "HeartbeatRM.admx";
    public static final String ADML_NAME = "HeartbeatRM.adml";
    /** The policy key, relative to HKLM as ADMX names it. */
    public static final String KEY = "Software\\Policies\\HeartbeatRM\\Agent";

    private PolicyTemplates() {
    }

    public static String admx() {
        return """
                <?xml version="1.0" encoding="utf-8"?>
                <policyDefinitions xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
                revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
                  <policyNamespaces>
                    <target prefix="heartbeatrm" namespace="HeartbeatRM.Policies.Agent" />
                    <using prefix="windows" namespace="Microsoft.Policies.Windows" />
                  </policyNamespaces>
                  <resources minRequiredRevision="1.0" />
                  <supportedOn>
                    <definitions>
                      <definition name="SUPPORTED_HeartbeatAgent" displayName="$(string.SUPPORTED_HeartbeatAgent)" />
                    </definitions>
                  </supportedOn>
                  <categories>
                    <category name="HeartbeatRM" displayName="$(string.HeartbeatRM)" />
                  </categories>
                  <policies>
                %s%s  </policies>
                </policyDefinitions>
                """.formatted(policy("EnrollmentToken", TokenDelivery.TOKEN_SETTING, EnrollmentTokenVerifier.MAX_TOKEN_LENGTH),
                        policy("ServerURL", "ServerURL", 2048));
    }

    /** One required text policy under {@link #KEY}; its strings and presentation in the ADML are named after it. */
    private static String policy(String name, String valueName, int maxLength) {
        return """
                    <policy name="%1$s" class="Machine" displayName="$(string.%1$s)" explainText="$(string.%1$s_Explain)" \
                presentation="$(presentation.%1$s)" key="%2$s">
                      <parentCategory ref="HeartbeatRM" />
                      <supportedOn ref="SUPPORTED_HeartbeatAgent" />
                      <elements>
                        <text id="%1$s" valueName="%3$s" maxLength="%4$d" required="true" />
                      </elements>
                    </policy>
                """.formatted(name, KEY, valueName, maxLength);
    }

    public static String adml() {
        return """
                <?xml version="1.0" encoding="utf-8"?>
                <policyDefinitionResources xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
                revision="1.0" schemaVersion="1.0" xmlns="http://schemas.microsoft.com/GroupPolicy/2006/07/PolicyDefinitions">
                  <displayName>HeartbeatRM agent</displayName>
                  <description>Enrollment settings for the HeartbeatRM agent.</description>
                  <resources>
                    <stringTable>
                      <string id="HeartbeatRM">HeartbeatRM agent</string>
                      <string id="SUPPORTED_HeartbeatAgent">HeartbeatRM agents that read the policy key (SDK 0.1 and later)</string>
                      <string id="EnrollmentToken">Enrollment token</string>
                      <string id="EnrollmentToken_Explain">The signed enrollment token the agent enrolls with when its installer \
                carries none (a generic MSI or EXE). Get one with: heartbeat installers token --key KEY --out FILE (prefer \
                --single-use or a short expiry). The agent verifies it against its pinned issuer keys; the token names and pins the \
                servers it may enroll at. Written to HKLM\\%1$s\\%2$s (REG_SZ), readable by administrators and SYSTEM.</string>
                      <string id="ServerURL">Enrollment server</string>
                      <string id="ServerURL_Explain">The enrollment server's URL, for reference and reporting. The agent enrolls only at \
                the servers its signed token names: this value cannot redirect it.</string>
                    </stringTable>
                    <presentationTable>
                      <presentation id="EnrollmentToken">
                        <textBox refId="EnrollmentToken">
                          <label>Token:</label>
                        </textBox>
                      </presentation>
                      <presentation id="ServerURL">
                        <textBox refId="ServerURL">
                          <label>Server URL:</label>
                        </textBox>
                      </presentation>
                    </presentationTable>
                  </resources>
                </policyDefinitionResources>
                """.formatted(KEY, TokenDelivery.TOKEN_SETTING);
    }
}
