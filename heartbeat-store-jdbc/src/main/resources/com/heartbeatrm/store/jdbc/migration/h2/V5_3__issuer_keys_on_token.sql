-- HeartbeatRM storage schema, version 5.3: issuer signing keys on a PKCS#11 token or HSM are ECDSA P-256 keys,
-- whose public key is a 65-byte point (87 base64url characters, not 43). Their wrapped_private_key holds the key's
-- label on the token and kek_id the token reference: no private key material. (5.3, not 5: other changes of this
-- release take 5 and 6.)
ALTER TABLE ${heartbeat_prefix}signing_key ALTER COLUMN public_key SET DATA TYPE VARCHAR(100);
