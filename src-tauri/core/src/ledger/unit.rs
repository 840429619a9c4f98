//! The unit profile (单位信息) and the HR offices a unit can report to.

use crate::error::{Error, Result};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct HrOffice {
    pub name: &'static str,
    pub phone: &'static str,
}

/// The eight offices printed in the notice, with their phones.
pub const HR_OFFICES: [HrOffice; 8] = [
    HrOffice {
        name: "滕州市人力资源和社会保障局",
        phone: "5513165",
    },
    HrOffice {
        name: "市中区人力资源和社会保障局",
        phone: "3921736",
    },
    HrOffice {
        name: "薛城区人力资源和社会保障局",
        phone: "4422540",
    },
    HrOffice {
        name: "峄城区人力资源和社会保障局",
        phone: "7507776",
    },
    HrOffice {
        name: "台儿庄人力资源和社会保障局",
        phone: "6618351",
    },
    HrOffice {
        name: "山亭区人力资源和社会保障局",
        phone: "8823509",
    },
    HrOffice {
        name: "高新区社会事务综合服务中心",
        phone: "8691030",
    },
    HrOffice {
        name: "枣庄市人力资源和社会保障局",
        phone: "3314140",
    },
];

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, ts_rs::TS)]
#[serde(default)]
pub struct UnitProfile {
    pub name: String,
    pub address: String,
    pub leader: String,
    pub officer: String,
    pub phone: String,
    pub hr_office: String,
    /// 市直单位: the May 20 plan filing duty and its warnings are a city-level unit's.
    pub city_level: bool,
}

pub fn get(conn: &Connection) -> Result<UnitProfile> {
    Ok(conn.query_row(
        "SELECT name, address, leader, officer, phone, hr_office, city_level FROM unit_profile WHERE id = 1",
        [],
        |r| {
            Ok(UnitProfile {
                name: r.get(0)?,
                address: r.get(1)?,
                leader: r.get(2)?,
                officer: r.get(3)?,
                phone: r.get(4)?,
                hr_office: r.get(5)?,
                city_level: r.get(6)?,
            })
        },
    )?)
}

pub fn save(conn: &Connection, p: &UnitProfile) -> Result<UnitProfile> {
    let p = UnitProfile {
        name: p.name.trim().to_string(),
        address: p.address.trim().to_string(),
        leader: p.leader.trim().to_string(),
        officer: p.officer.trim().to_string(),
        phone: p.phone.trim().to_string(),
        hr_office: p.hr_office.trim().to_string(),
        city_level: p.city_level,
    };
    if p.name.is_empty() {
        return Err(Error::invalid("单位名称不能为空"));
    }
    if !p.hr_office.is_empty() && !HR_OFFICES.iter().any(|o| o.name == p.hr_office) {
        return Err(Error::invalid(format!(
            "主管人社部门“{}”不在通知所列的八个部门之中",
            p.hr_office
        )));
    }
    if !p.phone.is_empty() && !crate::ledger::staff::is_phone(&p.phone) {
        return Err(Error::invalid(
            "联系电话格式不正确（手机11位，或座机如 0632-3314140）",
        ));
    }
    for (label, v) in [
        ("地址", &p.address),
        ("负责人", &p.leader),
        ("继续教育专管员", &p.officer),
    ] {
        if v.chars().count() > 100 {
            return Err(Error::invalid(format!("{label}过长（最多100字）")));
        }
    }
    crate::ledger::db::in_write_tx(conn, |tx| {
        tx.execute(
            "UPDATE unit_profile SET name=?1, address=?2, leader=?3, officer=?4, phone=?5, hr_office=?6, city_level=?7
             WHERE id=1",
            params![p.name, p.address, p.leader, p.officer, p.phone, p.hr_office, p.city_level],
        )?;
        crate::ledger::audit::rows_changed(tx, crate::ledger::audit::Action::Edit, "unit", 1, 1, "")
    })?;
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_round_trips_and_checks_office() {
        let conn = crate::ledger::db::open_in_memory().unwrap();
        assert_eq!(get(&conn).unwrap(), UnitProfile::default());
        let mut p = UnitProfile {
            name: " 枣庄市立医院 ".into(),
            officer: "王敏".into(),
            hr_office: "市中区人力资源和社会保障局".into(),
            phone: "0632-3921736".into(),
            ..Default::default()
        };
        let saved = save(&conn, &p).unwrap();
        assert_eq!(saved.name, "枣庄市立医院");
        assert_eq!(get(&conn).unwrap(), saved);
        p.hr_office = "济南市人社局".into();
        assert!(save(&conn, &p)
            .unwrap_err()
            .to_string()
            .contains("八个部门"));
        p.hr_office.clear();
        p.name = "  ".into();
        assert!(save(&conn, &p)
            .unwrap_err()
            .to_string()
            .contains("单位名称"));
        assert_eq!(get(&conn).unwrap(), saved, "refused saves change nothing");
    }
}
