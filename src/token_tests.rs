use super::*;

fn jwt(claims: &str) -> String {
    format!(
        "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.{}.ZmFrZS1zaWduYXR1cmU",
        URL_SAFE_NO_PAD.encode(claims)
    )
}

const CLIENT: &str = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const TENANT: &str = "0b0e7a1c-2d3f-4a5b-8c9d-0e1f2a3b4c5d";

fn expected(at: i64) -> Expected {
    Expected {
        client_id: Some(CLIENT.into()),
        tenant: Some(TENANT.into()),
        seen_at: DateTime::from_timestamp(at, 0),
    }
}

#[test]
fn finds_tokens_with_their_kind() {
    let t = jwt(r#"{"aud":"x"}"#);
    let text = format!(r#"{{"id_token":"{t}","access_token":"{t}","refresh_token":"{t}"}}"#);
    let found = find(&text);
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].kind, Kind::Id);
    assert_eq!(&text[found[0].start..found[0].end], t);
    assert_eq!(found[1].kind, Kind::Access);
    assert_eq!(find(&format!("#id_token={t}&state=x"))[0].kind, Kind::Id);
    assert_eq!(find(&format!("bearer {t}"))[0].kind, Kind::Unknown);
}

#[test]
fn decodes_and_rejects() {
    let c = decode(&jwt(
        r#"{"aud":"a","iss":"https://sts.windows.net/t/","tid":"t","iat":1,"nbf":2,"exp":3,"upn":"u@x.example","groups":["g1","g2"],"nonce":"n"}"#,
    ))
    .unwrap();
    assert_eq!(c.aud, vec!["a"]);
    assert_eq!((c.iat, c.nbf, c.exp), (Some(1), Some(2), Some(3)));
    assert_eq!(c.groups, Some(2));
    assert!(c.has_nonce);
    assert_eq!(decode("a.b"), Err(DecodeError::Shape));
    assert_eq!(decode("a.!!!.c"), Err(DecodeError::Base64));
    assert_eq!(
        decode(&format!("a.{}.c", URL_SAFE_NO_PAD.encode("[1]"))),
        Err(DecodeError::Json)
    );
}

#[test]
fn each_check() {
    let now = 1_800_000_000;
    let good = format!(
        r#"{{"aud":"{CLIENT}","tid":"{TENANT}","iat":{now},"nbf":{now},"exp":{},"upn":"u@x.example","email":"u@x.example","groups":["g"],"nonce":"n"}}"#,
        now + 3600
    );
    let c = decode(&jwt(&good)).unwrap();
    assert!(check(&c, Kind::Id, &expected(now)).is_empty());
    let checks = |claims: &str, kind| -> Vec<TokenCheck> {
        let c = decode(&jwt(claims)).unwrap();
        check(&c, kind, &expected(now))
            .into_iter()
            .map(|p| p.check)
            .collect()
    };
    let skewed = good.replace(
        &format!(r#""nbf":{now}"#),
        &format!(r#""nbf":{}"#, now + 900),
    );
    assert_eq!(checks(&skewed, Kind::Id), vec![TokenCheck::ClockSkew]);
    let other = good.replace(CLIENT, "11111111-2222-4333-8444-555555555555");
    assert_eq!(checks(&other, Kind::Id), vec![TokenCheck::Audience]);
    assert!(
        checks(&other, Kind::Access).is_empty(),
        "an access token is for an API"
    );
    let overage = good.replace(r#""groups":["g"]"#, r#""_claim_names":{"groups":"src1"}"#);
    assert_eq!(checks(&overage, Kind::Id), vec![TokenCheck::GroupOverage]);
    let nogroups = good.replace(r#","groups":["g"]"#, "");
    assert_eq!(checks(&nogroups, Kind::Id), vec![TokenCheck::NoGroups]);
    let guest = good.replace(r#""upn":"u@x.example","#, "");
    assert_eq!(checks(&guest, Kind::Id), vec![TokenCheck::MissingClaim]);
    let tenant = good.replace(TENANT, "22222222-2222-4333-8444-555555555555");
    assert_eq!(checks(&tenant, Kind::Id), vec![TokenCheck::Tenant]);
    let s = summary(&decode(&jwt(&overage)).unwrap(), Kind::Id);
    assert!(s.contains("groups: overage (_claim_names)"), "{s}");
}
