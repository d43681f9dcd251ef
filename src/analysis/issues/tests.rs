use super::*;

fn unit(v: &[f32]) -> Vec<f32> {
    let n = dot(v, v).sqrt();
    v.iter().map(|x| x / n).collect()
}

#[test]
fn vectors_near_each_other_group_and_a_stray_joins_none() {
    let mut vs = Vectors::new(3);
    let points: &[[f32; 3]] = &[
        [1.0, 0.1, 0.0],
        [0.0, 1.0, 0.1],
        [0.9, 0.2, 0.0],
        [0.1, 0.9, 0.0],
        [0.0, 0.0, 1.0],
        [1.0, 0.0, 0.1],
    ];
    for p in points {
        vs.push(&unit(p));
    }
    let got = cluster(&vs, &Options::default());
    assert_eq!(got[0], got[2]);
    assert_eq!(got[0], got[5]);
    assert_eq!(got[1], got[3]);
    assert_ne!(got[0], got[1]);
    assert_eq!(got[4], None);
}

#[test]
fn more_vectors_than_a_chunk_group_the_same_as_fewer() {
    // two directions, many noisy copies each, interleaved: two issues whatever the chunking
    let mut vs = Vectors::new(2);
    for i in 0..(3 * CHUNK) {
        let e = (i % 7) as f32 * 0.02;
        let p = if i % 2 == 0 { [1.0, e] } else { [e, 1.0] };
        vs.push(&unit(&p));
    }
    let got = cluster(&vs, &Options::default());
    let first = got[0].unwrap();
    let second = got[1].unwrap();
    assert_ne!(first, second);
    assert!(got
        .iter()
        .enumerate()
        .all(|(i, c)| *c == Some(if i % 2 == 0 { first } else { second })));
}
