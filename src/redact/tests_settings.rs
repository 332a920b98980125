//! Values that configuration files, command lines and statements set for a credential:
//! each shape masked, and the same shape with a harmless name or value left readable.

use super::tests::{assert_masked, shown};

/// .NET configuration: `<add key="ns:Name" value="X"/>` with a namespaced name, and a
/// `<Value>` child of an element named like a credential.
#[test]
fn dotnet_configuration_values_are_masked() {
    assert_masked(&[
        "web.config: <add key=\"ida:ClientSecret\" value=\"[[heatherglen31]]\" />",
        "<add key=\"AzureAd:ClientSecret\" value=\"[[heatherglen32]]\"/>",
        "<add key=\"Authentication:AzureAd:Password\" value=\"[[heatherglen33]]\"/>",
        "<add key=\"ida:StorageKey\" value=\"[[heatherglen34]]\"/>",
        "<ClientCredential><Value>[[bluebellwood5]]</Value></ClientCredential>",
        "<ClientSecret> <Value>[[bluebellwood6]]</Value></ClientSecret>",
        "<Password><value>[[bluebellwood7]]</value></Password>",
    ]);
    for text in [
        "<add key=\"ida:ClientId\" value=\"c0ffee00-1111-4222-8333-444455556666\" />",
        "<Settings><Value>plainvalue12</Value></Settings>",
    ] {
        assert_eq!(shown(text), text);
    }
}

/// Command lines: a Kubernetes secret's `--from-literal` value whatever its name, and
/// Helm's `--set` values whose path names a credential.
#[test]
fn command_line_values_are_masked() {
    assert_masked(&[
        "kubectl create secret generic sso --from-literal=AZURE_APP=[[snowdrop2two]]",
        "kubectl create secret generic sso --from-literal AZURE_APP=[[snowdrop2three]] -n x",
        "kubectl create secret generic sso --from-literal='APP=[[snowdrop 2 four]]'",
        "helm upgrade netbox ./chart --set sso.credentials[0].value=[[tulipgarden77]] -n x",
        "helm upgrade netbox ./chart --set-string a=1,sso.password=[[tulipgarden78]]",
        "helm install x --set \"db.auth[1].token=[[tulipgarden79]]\"",
    ]);
    for text in [
        "helm upgrade netbox ./chart --set sso.credentials[0].name=AZURE_APP --set replicas=2",
        "kubectl create secret generic sso --from-file=app.key",
    ] {
        assert_eq!(shown(text), text);
    }
}

/// Statements that set a password: SQL, PowerShell, and a Terraform plan's new value.
#[test]
fn statements_that_set_a_password_are_masked() {
    assert_masked(&[
        "ALTER USER netbox WITH PASSWORD '[[tulipgarden52]]'",
        "create role nb login password '[[tulipgarden55]]';",
        "CREATE USER nb PASSWORD '[[tulipgarden57]]'",
        "CREATE USER nb IDENTIFIED BY '[[tulipgarden53]]'",
        "CREATE USER nb IDENTIFIED WITH mysql_native_password BY '[[tulipgarden54]]'",
        "ConvertTo-SecureString '[[tulipgarden56]]' -AsPlainText -Force",
        "ConvertTo-SecureString -String \"[[tulipgarden58]]\" -AsPlainText -Force",
        "plan: ~ password = \"[[oldvalue123]]\" -> \"[[tulipgarden51]]\"",
    ]);
    for text in [
        "ALTER USER netbox WITH PASSWORD NULL",
        "ConvertTo-SecureString $env:PW -AsPlainText -Force",
        "the password policy -> see docs",
    ] {
        assert_eq!(shown(text), text);
    }
}

/// A password under a one-letter key in a query that names the user, and a PHP
/// serialized array's credential member.
#[test]
fn short_query_keys_and_serialized_members_are_masked() {
    assert_masked(&[
        "\"POST /api/login?u=svc&p=[[ivytrellis88]] HTTP/1.1\" 500",
        "GET /login?p=[[ivytrellis89]]&user=svc",
        "GET /x?pwd=[[ivytrellis90]]&pass=[[ivytrellis91]]&passwd=[[ivytrellis92]]",
        "s:13:\"client_secret\";s:13:\"[[tulipgarden60]]\";",
        "a:1:{s:8:\"password\";s:9:\"[[tulipgarden61]]\";}",
    ]);
    for text in [
        "GET /list?p=2&sort=name HTTP/1.1",
        "s:4:\"name\";s:9:\"plainname\";",
    ] {
        assert_eq!(shown(text), text);
    }
}
