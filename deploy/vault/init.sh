#!/bin/sh
# One-shot setup of the dev Vault for docker compose: AppRole with a policy limited to keyrotator's
# prefix, and fixed role and secret ids (dev only) that the keyrotator service logs in with.
set -eu
vault policy write keyrotator "$(dirname "$0")/keyrotator-policy.hcl"
vault auth list | grep -q '^approle/' || vault auth enable approle
vault write auth/approle/role/keyrotator token_policies=keyrotator token_ttl=1h token_max_ttl=24h
vault write auth/approle/role/keyrotator/role-id role_id=keyrotator-dev-role
vault write -f auth/approle/role/keyrotator/custom-secret-id secret_id=keyrotator-dev-secret >/dev/null 2>&1 || true
echo "vault initialised for keyrotator"
