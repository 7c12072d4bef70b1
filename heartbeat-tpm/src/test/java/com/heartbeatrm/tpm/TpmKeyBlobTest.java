package com.heartbeatrm.tpm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/** The key-blob file parser refuses anything it did not write, with a typed error and without over-reading. */
class TpmKeyBlobTest {
    @Property(tries = 300)
    void arbitraryBytesAreRefused(@ForAll @Size(max = 600) byte[] bytes) {
        assertThatThrownBy(() -> TpmKeyBlob.parse(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    @Property(tries = 300)
    void aValidHeaderWithArbitraryBodyIsRefused(@ForAll @Size(max = 300) byte[] body) {
        byte[] encoded = new byte[5 + body.length];
        encoded[0] = 'H';
        encoded[1] = 'B';
        encoded[2] = 'T';
        encoded[3] = 'K';
        encoded[4] = 1;
        System.arraycopy(body, 0, encoded, 5, body.length);
        assertThatThrownBy(() -> TpmKeyBlob.parse(encoded)).isInstanceOf(IllegalArgumentException.class);
    }
}
