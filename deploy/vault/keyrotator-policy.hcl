# What keyrotator needs on its KV v2 mount, and nothing else.
path "secret/data/api-keys/*"                { capabilities = ["create", "read", "update"] }
path "secret/metadata/api-keys/*"            { capabilities = ["create", "read", "update", "patch", "delete"] }
path "secret/destroy/api-keys/*"             { capabilities = ["update"] }
path "secret/data/keyrotator/webhooks/*"     { capabilities = ["create", "read", "update"] }
path "secret/metadata/keyrotator/webhooks/*" { capabilities = ["read", "delete"] }
