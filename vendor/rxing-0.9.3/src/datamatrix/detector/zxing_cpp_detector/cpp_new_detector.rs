/*
* Copyright 2016 Nu-book Inc.
* Copyright 2016 ZXing authors
* Copyright 2017, 2020, 2026 Axel Waggershauser
*/
// SPDX-License-Identifier: Apache-2.0

//! The 'new' DataMatrix detector of zxing-cpp 3.1 (core/src/datamatrix/DMDetector.cpp, with the
//! parts of RegressionLine.h, BitMatrixCursor.h, LocalGrid.cpp, GridSampler.cpp and
//! PerspectiveTransform.cpp it uses), ported to Rust for gs1-gateway (see vendor/PATCHES.md).
//!
//! rxing 0.9.3 carried a port of an older version of this detector. Compared with it, this one
//! - keeps scanning along a line after a candidate that does not decode (zxing-cpp yields every
//!   candidate lazily; the caller's closure says when to stop),
//! - truncates an L-shaped left edge, and checks the dimensions against the symbol sizes,
//! - samples the grid region by region between the alignment patterns it locates (symbols with
//!   2x2 or more data regions in perspective), and
//! - offers a second, timing-pattern-corrected grid for deformed symbols (curved vials: zxing-cpp
//!   issues 794, 1063, 1072).
//!
//! Geometry is in f64 as in zxing-cpp.

use std::cell::RefCell;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::Point;
use crate::common::BitMatrix;
use crate::datamatrix::decoder::Version;
use crate::datamatrix::detector::DatamatrixDetectorResult;

// ---------------------------------------------------------------------------------------------
// Points
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct V {
    x: f64,
    y: f64,
}

const fn v(x: f64, y: f64) -> V {
    V { x, y }
}

impl Add for V {
    type Output = V;
    fn add(self, o: V) -> V {
        v(self.x + o.x, self.y + o.y)
    }
}
impl Sub for V {
    type Output = V;
    fn sub(self, o: V) -> V {
        v(self.x - o.x, self.y - o.y)
    }
}
impl Neg for V {
    type Output = V;
    fn neg(self) -> V {
        v(-self.x, -self.y)
    }
}
impl Mul<f64> for V {
    type Output = V;
    fn mul(self, s: f64) -> V {
        v(self.x * s, self.y * s)
    }
}
impl Mul<V> for f64 {
    type Output = V;
    fn mul(self, p: V) -> V {
        v(self * p.x, self * p.y)
    }
}
impl Div<f64> for V {
    type Output = V;
    fn div(self, s: f64) -> V {
        v(self.x / s, self.y / s)
    }
}

fn dot(a: V, b: V) -> f64 {
    a.x * b.x + a.y * b.y
}
fn cross(a: V, b: V) -> f64 {
    a.x * b.y - b.x * a.y
}
fn length(a: V) -> f64 {
    a.x.hypot(a.y)
}
fn distance(a: V, b: V) -> f64 {
    length(a - b)
}
fn normalized(a: V) -> V {
    a / length(a)
}
fn max_abs_component(a: V) -> f64 {
    a.x.abs().max(a.y.abs())
}
fn bresenham_direction(a: V) -> V {
    a / max_abs_component(a)
}
fn main_direction(a: V) -> V {
    if a.x.abs() > a.y.abs() {
        v(a.x, 0.0)
    } else {
        v(0.0, a.y)
    }
}
fn centered(a: V) -> V {
    v(a.x.floor() + 0.5, a.y.floor() + 0.5)
}
fn left_of(d: V) -> V {
    v(d.y, -d.x)
}
fn right_of(d: V) -> V {
    v(-d.y, d.x)
}
/// `PointI(p)` of zxing-cpp: truncation toward zero.
fn trunc(a: V) -> (i32, i32) {
    (a.x as i32, a.y as i32)
}
fn to_point(a: V) -> Point {
    Point::new(a.x as f32, a.y as f32)
}

/// The pixel at `p`: `None` outside the image.
#[inline]
fn test_at(img: &BitMatrix, p: V) -> Option<bool> {
    if p.x >= 0.0 && p.y >= 0.0 && p.x < img.getWidth() as f64 && p.y < img.getHeight() as f64 {
        Some(img.get(p.x as u32, p.y as u32))
    } else {
        None
    }
}

#[inline]
fn is_in(img: &BitMatrix, p: V) -> bool {
    test_at(img, p).is_some()
}

/// `BitMatrixCursorF::stepToEdge(1, range)` from `p` in direction `d` (made a Bresenham step):
/// the steps to the next edge, 0 if the image border or `range` came first.
fn step_to_edge(img: &BitMatrix, p: V, d: V, range: i32) -> i32 {
    let d = bresenham_direction(d);
    let mut steps = 0;
    let mut nth = 1;
    let mut lv = test_at(img, p);
    while nth > 0 && (range == 0 || steps < range) && lv.is_some() {
        steps += 1;
        let val = test_at(img, p + f64::from(steps) * d);
        if lv != val {
            lv = val;
            nth -= 1;
        }
    }
    if nth == 0 { steps } else { 0 }
}

// ---------------------------------------------------------------------------------------------
// Perspective transform (PerspectiveTransform.cpp)
// ---------------------------------------------------------------------------------------------

type Quad = [V; 4];

#[derive(Clone, Copy, Debug)]
struct Transform {
    a11: f64,
    a12: f64,
    a13: f64,
    a21: f64,
    a22: f64,
    a23: f64,
    a31: f64,
    a32: f64,
    a33: f64,
}

impl Transform {
    /// The argument order of zxing-cpp's private constructor.
    #[allow(clippy::too_many_arguments)]
    const fn t(
        a11: f64,
        a21: f64,
        a31: f64,
        a12: f64,
        a22: f64,
        a32: f64,
        a13: f64,
        a23: f64,
        a33: f64,
    ) -> Self {
        Self {
            a11,
            a12,
            a13,
            a21,
            a22,
            a23,
            a31,
            a32,
            a33,
        }
    }

    const INVALID: Transform = Transform::t(0., 0., 0., 0., 0., 0., 0., 0., f64::NAN);

    fn inverse(&self) -> Self {
        let Self {
            a11,
            a12,
            a13,
            a21,
            a22,
            a23,
            a31,
            a32,
            a33,
        } = *self;
        Self::t(
            a22 * a33 - a23 * a32,
            a23 * a31 - a21 * a33,
            a21 * a32 - a22 * a31,
            a13 * a32 - a12 * a33,
            a11 * a33 - a13 * a31,
            a12 * a31 - a11 * a32,
            a12 * a23 - a13 * a22,
            a13 * a21 - a11 * a23,
            a11 * a22 - a12 * a21,
        )
    }

    fn times(&self, o: &Self) -> Self {
        let s = self;
        Self::t(
            s.a11 * o.a11 + s.a21 * o.a12 + s.a31 * o.a13,
            s.a11 * o.a21 + s.a21 * o.a22 + s.a31 * o.a23,
            s.a11 * o.a31 + s.a21 * o.a32 + s.a31 * o.a33,
            s.a12 * o.a11 + s.a22 * o.a12 + s.a32 * o.a13,
            s.a12 * o.a21 + s.a22 * o.a22 + s.a32 * o.a23,
            s.a12 * o.a31 + s.a22 * o.a32 + s.a32 * o.a33,
            s.a13 * o.a11 + s.a23 * o.a12 + s.a33 * o.a13,
            s.a13 * o.a21 + s.a23 * o.a22 + s.a33 * o.a23,
            s.a13 * o.a31 + s.a23 * o.a32 + s.a33 * o.a33,
        )
    }

    fn unit_square_to(q: &Quad) -> Self {
        let [p0, p1, p2, p3] = *q;
        let d3 = p0 - p1 + p2 - p3;
        if d3 == v(0.0, 0.0) {
            Self::t(
                p1.x - p0.x,
                p2.x - p1.x,
                p0.x,
                p1.y - p0.y,
                p2.y - p1.y,
                p0.y,
                0.0,
                0.0,
                1.0,
            )
        } else {
            let d1 = p1 - p2;
            let d2 = p3 - p2;
            let den = cross(d1, d2);
            let a13 = cross(d3, d2) / den;
            let a23 = cross(d1, d3) / den;
            Self::t(
                p1.x - p0.x + a13 * p1.x,
                p3.x - p0.x + a23 * p3.x,
                p0.x,
                p1.y - p0.y + a13 * p1.y,
                p3.y - p0.y + a23 * p3.y,
                p0.y,
                a13,
                a23,
                1.0,
            )
        }
    }

    /// The transform that maps `src` onto `dst`; invalid unless both are (well) convex.
    fn new(src: &Quad, dst: &Quad) -> Self {
        if !is_convex(src) || !is_convex(dst) {
            return Self::INVALID;
        }
        Self::unit_square_to(dst).times(&Self::unit_square_to(src).inverse())
    }

    fn is_valid(&self) -> bool {
        !self.a33.is_nan()
    }

    fn apply(&self, p: V) -> V {
        let den = self.a13 * p.x + self.a23 * p.y + self.a33;
        v(
            (self.a11 * p.x + self.a21 * p.y + self.a31) / den,
            (self.a12 * p.x + self.a22 * p.y + self.a32) / den,
        )
    }
}

fn is_convex(poly: &Quad) -> bool {
    let n = poly.len();
    let mut sign = false;
    let (mut m, mut big_m) = (f64::INFINITY, 0.0f64);
    for i in 0..n {
        let d1 = poly[(i + 2) % n] - poly[(i + 1) % n];
        let d2 = poly[i] - poly[(i + 1) % n];
        let cp = cross(d1, d2);
        m = m.min(cp.abs());
        big_m = big_m.max(cp.abs());
        if i == 0 {
            sign = cp > 0.0;
        } else if sign != (cp > 0.0) {
            return false;
        }
    }
    // a corner almost in line with two others makes the transform numerically unstable
    big_m / m < 4.0
}

fn rectangle(width: i32, height: i32, margin: f64) -> Quad {
    let (w, h) = (f64::from(width), f64::from(height));
    [
        v(margin, margin),
        v(w - margin, margin),
        v(w - margin, h - margin),
        v(margin, h - margin),
    ]
}

fn rectangle_xy(x0: i32, x1: i32, y0: i32, y1: i32, o: f64) -> Quad {
    let (x0, x1, y0, y1) = (f64::from(x0), f64::from(x1), f64::from(y0), f64::from(y1));
    [
        v(x0 + o, y0 + o),
        v(x1 + o, y0 + o),
        v(x1 + o, y1 + o),
        v(x0 + o, y1 + o),
    ]
}

// ---------------------------------------------------------------------------------------------
// Regression line (RegressionLine.h and DMRegressionLine)
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Line {
    points: Vec<V>,
    direction_inward: V,
    a: f64,
    b: f64,
    c: f64,
}

impl Default for Line {
    fn default() -> Self {
        Self {
            points: Vec::with_capacity(16),
            direction_inward: V::default(),
            a: f64::NAN,
            b: f64::NAN,
            c: f64::NAN,
        }
    }
}

/// Least-squares fit of a line through `points`, normal pointing along `inward`:
/// (a, b, c, whether the normal is within 60° of `inward`).
fn fit_line(points: &[V], inward: V) -> Option<(f64, f64, f64, bool)> {
    if points.is_empty() {
        return None;
    }
    let mean = points.iter().fold(V::default(), |s, p| s + *p) / points.len() as f64;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for p in points {
        let d = *p - mean;
        sxx += d.x * d.x;
        syy += d.y * d.y;
        sxy += d.x * d.y;
    }
    let (mut a, mut b) = if syy >= sxx {
        let l = (syy * syy + sxy * sxy).sqrt();
        (syy / l, -sxy / l)
    } else {
        let l = (sxx * sxx + sxy * sxy).sqrt();
        (sxy / l, -sxx / l)
    };
    if dot(inward, v(a, b)) < 0.0 {
        a = -a;
        b = -b;
    }
    let c = dot(v(a, b), mean);
    Some((a, b, c, dot(inward, v(a, b)) > 0.5))
}

impl Line {
    fn through(p: V, q: V) -> Self {
        let mut l = Line::default();
        l.evaluate_points(&[p, q]);
        l
    }

    fn evaluate_points(&mut self, points: &[V]) -> bool {
        match fit_line(points, self.direction_inward) {
            Some((a, b, c, ok)) => {
                (self.a, self.b, self.c) = (a, b, c);
                ok
            }
            None => false,
        }
    }

    fn points(&self) -> &[V] {
        &self.points
    }
    fn length(&self) -> i32 {
        match (self.points.first(), self.points.last()) {
            (Some(f), Some(l)) if self.points.len() >= 2 => distance(*f, *l) as i32,
            _ => 0,
        }
    }
    fn is_valid(&self) -> bool {
        !self.a.is_nan()
    }
    fn normal(&self) -> V {
        if self.is_valid() {
            v(self.a, self.b)
        } else {
            self.direction_inward
        }
    }
    fn signed_distance(&self, p: V) -> f64 {
        dot(self.normal(), p) - self.c
    }
    fn distance(&self, p: V) -> f64 {
        self.signed_distance(p).abs()
    }
    fn project(&self, p: V) -> V {
        p - self.signed_distance(p) * self.normal()
    }
    fn centroid(&self) -> V {
        self.points.iter().fold(V::default(), |s, p| s + *p) / self.points.len() as f64
    }
    fn reset(&mut self) {
        self.points.clear();
        self.direction_inward = V::default();
        self.a = f64::NAN;
        self.b = f64::NAN;
        self.c = f64::NAN;
    }
    fn add(&mut self, p: V) {
        self.points.push(p);
        if self.points.len() == 1 {
            self.c = dot(self.normal(), p);
        }
    }
    fn pop_back(&mut self) {
        self.points.pop();
    }
    fn set_direction_inward(&mut self, d: V) {
        self.direction_inward = normalized(d);
    }
    fn reverse(&mut self) {
        self.points.reverse();
    }

    /// Fit the line; with `max_signed_dist > 0`, repeatedly drop points too far inside (or twice
    /// that outside) and refit; false if too many had to go.
    fn evaluate(&mut self, max_signed_dist: f64, update_points: bool) -> bool {
        let pts = std::mem::take(&mut self.points);
        let mut ret = self.evaluate_points(&pts);
        self.points = pts;
        if max_signed_dist > 0.0 {
            let mut points = self.points.clone();
            loop {
                let old = points.len();
                points.retain(|p| {
                    let sd = self.signed_distance(*p);
                    !(sd > max_signed_dist || sd < -2.0 * max_signed_dist)
                });
                if points.len() < old / 2 || points.len() < 2 {
                    return false;
                }
                if old == points.len() {
                    break;
                }
                ret = self.evaluate_points(&points);
            }
            if update_points {
                self.points = points;
            }
        }
        ret
    }

    /// The number of module pairs between `beg` and `end` along a traced timing pattern.
    fn modules(&mut self, beg: V, end: V) -> f64 {
        if self.points.len() <= 3 {
            return 0.0;
        }
        // re-evaluate and filter out all points too far away. required for the gap sizes.
        self.evaluate(1.2, true);
        if self.points.len() < 2 {
            return 0.0;
        }

        let gap_sizes: Vec<f64> = self
            .points
            .windows(2)
            .map(|w| distance(self.project(w[1]), self.project(w[0])))
            .collect();

        let front = self.points[0];
        let back = self.points[self.points.len() - 1];
        // the (expected average) distance of two adjacent pixels
        let unit = length(bresenham_direction(back - front));

        // the width of 2 modules (first black pixel to first black pixel)
        let mut sum_front = distance(beg, self.project(front)) - unit;
        let mut sum_back = 0.0; // (last black pixel to last black pixel)
        let mut mod_sizes = Vec::with_capacity(gap_sizes.len() * 2 + 1);
        for dist in gap_sizes {
            if dist > 1.9 * unit {
                mod_sizes.push(std::mem::take(&mut sum_back));
            }
            sum_front += dist;
            sum_back += dist;
            if dist > 1.9 * unit {
                mod_sizes.push(std::mem::take(&mut sum_front));
            }
        }
        if mod_sizes.is_empty() {
            return 0.0;
        }
        mod_sizes.push(sum_front + distance(end, self.project(back)));
        mod_sizes[0] = 0.0; // an invalid sum_back value
        let line_length = distance(beg, end) - unit;
        let rest = &mod_sizes[1..];
        let min = rest.iter().copied().fold(f64::INFINITY, f64::min);
        let max = rest.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let average = |c: &[f64]| {
            let (sum, n) = c
                .iter()
                .filter(|d| **d > 0.0)
                .fold((0.0, 0), |(s, n), d| (s + d, n + 1));
            sum / f64::from(n)
        };
        let mut mean = average(&mod_sizes);

        if max > 2.0 * min {
            let n = mod_sizes.len();
            for i in 1..n.saturating_sub(2) {
                if mod_sizes[i] > 0.0 && mod_sizes[i] + mod_sizes[i + 2] < mean * 1.4 {
                    mod_sizes[i] += std::mem::take(&mut mod_sizes[i + 2]);
                } else if mod_sizes[i] > mean * 1.6 {
                    mod_sizes[i] = 0.0;
                }
            }
            mean = average(&mod_sizes);
        }
        line_length / mean
    }

    /// If the traced left edge went round the bottom-left corner, cut it there.
    fn truncate_if_l_shape(&mut self) -> bool {
        let len = self.points.len();
        if len < 16 {
            return false;
        }
        let line_ab = Line::through(self.points[0], self.points[len - 1]);
        if line_ab.distance(self.points[len / 2]) < 5.0 {
            return false;
        }
        let (mut max_i, mut max_d) = (0, 0.0);
        for (i, p) in self.points.iter().enumerate() {
            let d = line_ab.distance(*p);
            if d > max_d {
                max_i = i;
                max_d = d;
            }
        }
        let len_l = distance(self.points[0], self.points[max_i]) - 1.0;
        let len_b = distance(self.points[max_i], self.points[len - 1]) - 1.0;
        if max_d < len_l.min(len_b) / 2.0 {
            return false;
        }
        self.set_direction_inward(self.points[len - 1] - self.points[max_i]);
        self.points.truncate(max_i.saturating_sub(1));
        true
    }
}

fn intersect(l1: &Line, l2: &Line) -> V {
    let d = l1.a * l2.b - l1.b * l2.a;
    let x = (l1.c * l2.b - l1.b * l2.c) / d;
    let y = (l1.a * l2.c - l1.c * l2.a) / d;
    v(x, y)
}

// ---------------------------------------------------------------------------------------------
// Edge tracer
// ---------------------------------------------------------------------------------------------

/// Where the tracing already went, so that a later trace does not do the same work twice.
struct History {
    width: usize,
    cells: Vec<i8>,
}

impl History {
    fn new(width: u32, height: u32) -> Self {
        Self {
            width: width as usize,
            cells: vec![0; width as usize * height as usize],
        }
    }
    fn clear(&mut self) {
        self.cells.fill(0);
    }
    fn cell(&mut self, p: V) -> Option<&mut i8> {
        let (x, y) = trunc(p);
        if x < 0 || y < 0 {
            return None;
        }
        self.cells.get_mut(y as usize * self.width + x as usize)
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum StepResult {
    Found,
    OpenEnd,
    ClosedEnd,
}

#[derive(Clone)]
struct Tracer<'a> {
    img: &'a BitMatrix,
    p: V,
    d: V,
    history: Option<&'a RefCell<History>>,
    state: i8,
}

impl<'a> Tracer<'a> {
    fn new(img: &'a BitMatrix, p: V, d: V) -> Self {
        Self {
            img,
            p,
            d: bresenham_direction(d),
            history: None,
            state: 0,
        }
    }

    fn black_at(&self, p: V) -> bool {
        test_at(self.img, p) == Some(true)
    }
    fn white_at(&self, p: V) -> bool {
        test_at(self.img, p) == Some(false)
    }
    fn is_in(&self, p: V) -> bool {
        is_in(self.img, p)
    }
    fn left(&self) -> V {
        left_of(self.d)
    }
    fn right(&self) -> V {
        right_of(self.d)
    }
    fn back(&self) -> V {
        -self.d
    }
    fn turn_right(&mut self) {
        self.d = self.right();
    }
    fn set_direction(&mut self, dir: V) {
        self.d = bresenham_direction(dir);
    }
    fn step(&mut self) -> bool {
        self.p = self.p + self.d;
        self.is_in(self.p)
    }

    fn trace_step(&mut self, d_edge: V, max_step_size: i32, good_direction: bool) -> StepResult {
        let d_edge = main_direction(d_edge);
        let breadths = if max_step_size == 1 {
            2
        } else if good_direction {
            1
        } else {
            3
        };
        for breadth in 1..=breadths {
            for step in 1..=max_step_size {
                for i in 0..=(2 * (step / 4 + 1) * breadth) {
                    let side = if i & 1 != 0 { (i + 1) / 2 } else { -i / 2 };
                    let mut p_edge = self.p + f64::from(step) * self.d + f64::from(side) * d_edge;

                    if !self.black_at(p_edge + d_edge) {
                        continue;
                    }

                    // found black pixel -> go 'outward' until we hit the b/w border
                    for _ in 0..max_step_size.max(3) {
                        if !self.is_in(p_edge) {
                            break;
                        }
                        if self.white_at(p_edge) {
                            let np = centered(p_edge);
                            if np == self.p {
                                // no progress: zxing-cpp asserts here
                                return StepResult::ClosedEnd;
                            }
                            self.p = np;
                            if let (Some(history), 1) = (self.history, max_step_size) {
                                let mut history = history.borrow_mut();
                                if let Some(cell) = history.cell(self.p) {
                                    if *cell == self.state {
                                        return StepResult::ClosedEnd;
                                    }
                                    *cell = self.state;
                                }
                            }
                            return StepResult::Found;
                        }
                        p_edge = p_edge - d_edge;
                        if self.black_at(p_edge - self.d) {
                            p_edge = p_edge - self.d;
                        }
                    }
                    // no valid b/w border found within reasonable range
                    return StepResult::ClosedEnd;
                }
            }
        }
        StepResult::OpenEnd
    }

    fn update_direction_from_origin(&mut self, origin: V) -> bool {
        let old_d = self.d;
        self.set_direction(self.p - origin);
        // if the new direction is pointing "backward", i.e. angle(new, old) > 90 deg -> break
        if dot(self.d, old_d) < 0.0 {
            return false;
        }
        // make sure d stays in the same quadrant to prevent an infinite loop
        if self.d.x.abs() == self.d.y.abs() {
            self.d = main_direction(old_d) + 0.99 * (self.d - main_direction(old_d));
        } else if main_direction(self.d) != main_direction(old_d) {
            self.d = main_direction(old_d) + 0.99 * main_direction(self.d);
        }
        true
    }

    fn update_direction_from_line(&mut self, line: &mut Line) -> bool {
        if !line.evaluate(1.5, false) {
            return false;
        }
        let origin = self.p - line.project(self.p) + line.points()[0];
        self.update_direction_from_origin(origin)
    }

    fn update_direction_from_line_centroid(&mut self, line: &Line) -> bool {
        self.update_direction_from_origin(line.centroid())
    }

    fn trace_line(&mut self, d_edge: V, line: &mut Line) -> bool {
        line.set_direction_inward(d_edge);
        loop {
            line.add(self.p);
            if line.points().len() % 50 == 10 && !self.update_direction_from_line_centroid(line) {
                return false;
            }
            let r = self.trace_step(d_edge, 1, line.is_valid());
            if r != StepResult::Found {
                return r == StepResult::OpenEnd
                    && line.points().len() > 1
                    && self.update_direction_from_line_centroid(line);
            }
        }
    }

    fn trace_gaps(
        &mut self,
        d_edge: V,
        line: &mut Line,
        mut max_step_size: i32,
        finish_line: Option<&Line>,
        min_dist: f64,
    ) -> bool {
        let finish_line = finish_line.filter(|l| l.is_valid());
        line.set_direction_inward(d_edge);
        let (mut gaps, mut steps) = (0, 0);
        let max_steps_per_gap = max_step_size;
        let mut last_p = V::default();
        loop {
            // detect an endless loop (lack of progress)
            let was = std::mem::replace(&mut last_p, self.p);
            let taken = steps;
            steps += 1;
            if self.p == was || taken > (if gaps == 0 { 2 } else { gaps + 1 }) * max_steps_per_gap {
                return false;
            }

            // if we drifted too far outside of the code, break
            if line.is_valid()
                && line.signed_distance(self.p) < -5.0
                && (!line.evaluate(-1.0, false) || line.signed_distance(self.p) < -5.0)
            {
                return false;
            }

            // if we are drifting towards the inside of the code, pull the current position back out onto the line
            if line.is_valid() && line.signed_distance(self.p) > 3.0 {
                // break if the angle between d and line is greater than 45 deg
                if dot(normalized(self.d), line.normal()).abs() > 0.7 {
                    return false;
                }
                // re-evaluate line with all the points up to here before projecting
                if !line.evaluate(1.5, false) {
                    return false;
                }
                let mut np = line.project(self.p);
                let last = match line.points().last() {
                    Some(l) => line.project(*l),
                    None => return false,
                };
                // make sure we are making progress even when back-projecting
                let mut guard = 0;
                while distance(np, last) < 1.0 {
                    np = np + self.d;
                    guard += 1;
                    if guard > 8 {
                        return false;
                    }
                }
                self.p = centered(np);
            } else {
                let cur_step = match line.points().last() {
                    Some(l) => self.p - *l,
                    None => V::default(),
                };
                let step_in_main_dir = if line.points().is_empty() {
                    0.0
                } else {
                    dot(main_direction(self.d), cur_step)
                };
                line.add(self.p);

                if step_in_main_dir > 1.0 || max_abs_component(cur_step) >= 2.0 {
                    gaps += 1;
                    if gaps >= 2 || line.points().len() > 5 {
                        if !self.update_direction_from_line(line) {
                            return false;
                        }
                        // check if the first half of the top-line trace is complete.
                        // the minimum code size is 10x10 -> every code has at least 4 gaps
                        if min_dist > 0.0
                            && gaps >= 4
                            && distance(self.p, line.points()[0]) > min_dist
                        {
                            // undo the last insert, it will be inserted again after the restart
                            line.pop_back();
                            return true;
                        }
                    }
                } else if gaps == 0 && line.points().len() as i32 >= 2 * max_step_size {
                    return false; // no point in following a line that has no gaps
                }
            }

            if let Some(f) = finish_line {
                max_step_size = max_step_size.min(f.signed_distance(self.p) as i32);
            }

            let r = self.trace_step(d_edge, max_step_size, line.is_valid());
            if r != StepResult::Found {
                // we are successful iff we found an open end across a valid finish line
                return r == StepResult::OpenEnd
                    && finish_line
                        .is_some_and(|f| f.signed_distance(self.p) as i32 <= max_step_size + 1);
            }
        }
    }

    fn trace_corner(&mut self, dir: V, corner: &mut V) -> bool {
        self.step();
        *corner = self.p;
        let old_d = std::mem::replace(&mut self.d, dir);
        self.trace_step(-old_d, 2, false);
        self.is_in(*corner) && self.is_in(self.p)
    }

    /// Along an axis-aligned direction, to the next white pixel that follows a black one.
    fn move_to_next_white_after_black(&mut self) -> bool {
        for _ in 0..2 {
            let v0 = test_at(self.img, self.p);
            if v0.is_none() {
                return false;
            }
            let mut s = 1.0;
            while test_at(self.img, self.p + s * self.d) == v0 {
                s += 1.0;
            }
            self.p = self.p + s * self.d;
            match test_at(self.img, self.p) {
                None => return false,
                Some(false) => return true,
                Some(true) => {}
            }
        }
        false
    }
}

// ---------------------------------------------------------------------------------------------
// Local grid (LocalGrid.cpp): the centre of one module and the steps to its neighbours
// ---------------------------------------------------------------------------------------------

type I2 = (i32, i32);

fn i2f(p: I2) -> V {
    v(f64::from(p.0), f64::from(p.1))
}

/// The average of the largest cluster of values lying within `threshold` of each other.
fn cluster_avg(values: &mut [f64], threshold: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let (mut best_start, mut best_len, mut start) = (0, 0, 0);
    for end in 0..values.len() {
        while values[end] - values[start] >= threshold {
            start += 1;
        }
        if end - start + 1 > best_len {
            best_len = end - start + 1;
            best_start = start;
        }
    }
    if best_len == 0 {
        return 0.0;
    }
    values[best_start..best_start + best_len]
        .iter()
        .sum::<f64>()
        / best_len as f64
}

struct LocalGrid<'a> {
    img: &'a BitMatrix,
    origin: V,
    step_x: V,
    step_y: V,
}

#[derive(Clone, Copy)]
enum Axis {
    X,
    Y,
}

impl<'a> LocalGrid<'a> {
    fn new(img: &'a BitMatrix, mod2pix: &Transform, p: I2, offset: I2) -> Self {
        let c = i2f(p) + v(0.5, 0.5);
        let origin = mod2pix.apply(c);
        let step_x = mod2pix.apply(c + v(1.0, 0.0)) - origin;
        let step_y = mod2pix.apply(c + v(0.0, 1.0)) - origin;
        let mut g = Self {
            img,
            origin,
            step_x,
            step_y,
        };
        // works better for DataMatrix (especially near the symbol edges)
        let offsets = [-step_x, -step_y, step_x, step_y];
        // evaluate the image at origin + offset (allows to effectively work near the border of the symbol)
        g.origin = g.get_pos(i2f(offset));
        for _ in 0..2 {
            g.adjust_origin_and_step(Axis::X, 2, &offsets);
            g.adjust_origin_and_step(Axis::Y, 2, &offsets);
        }
        g.origin = g.get_pos(-i2f(offset));
        g
    }

    fn get_pos(&self, p: V) -> V {
        self.origin + p.x * self.step_x + p.y * self.step_y
    }

    fn get(&self, p: V) -> Option<bool> {
        test_at(self.img, self.get_pos(p))
    }

    /// A value `val` at `p`, or a quarter module before or after it, or `p` outside the image.
    fn find_value(&self, p: I2, dir: I2, val: bool) -> bool {
        let d = v(
            if dir.0 != 0 { 0.25 } else { 0.0 },
            if dir.1 != 0 { 0.25 } else { 0.0 },
        );
        let pf = i2f(p);
        !is_in(self.img, self.get_pos(pf))
            || self.get(pf) == Some(val)
            || self.get(pf + d) == Some(val)
            || self.get(pf - d) == Some(val)
    }

    fn adjust_origin_and_step(&mut self, axis: Axis, radius: i32, offsets: &[V]) {
        let step = match axis {
            Axis::X => self.step_x,
            Axis::Y => self.step_y,
        };
        let mut mod_size = length(step);
        let limit = (6.0 * mod_size) as i32;
        let dir = bresenham_direction(step);
        mod_size /= length(dir); // mod size in terms of steps in the given direction
        if !mod_size.is_normal() || limit <= 0 {
            return;
        }

        let nearest_half_residual =
            |n: f64, s: f64| n - (((n - s / 2.0) / s).round() * s + s / 2.0);

        // (distance to the edge, local module size or 0)
        let mut dist_mod: Vec<(f64, f64)> = Vec::with_capacity(offsets.len() * radius as usize + 1);
        for r in 0..=radius {
            for offset in offsets {
                let start = self.origin + f64::from(r) * *offset;
                let start_c = centered(start);
                let steps_pos = step_to_edge(self.img, start_c, dir, limit);
                let steps_neg = step_to_edge(self.img, start_c, -dir, limit);
                let dist_pos = f64::from(steps_pos) - dot(start - start_c, dir) - 0.5;
                let dist_neg = f64::from(steps_neg) - dot(start - start_c, -dir) - 0.5;

                if steps_pos != 0 && steps_neg != 0 {
                    let block = f64::from(steps_pos + steps_neg - 1);
                    let local = block / (block / mod_size).round().max(1.0);
                    dist_mod.push((dist_pos, if block / mod_size < 5.0 { local } else { 0.0 }));
                } else if steps_pos != 0 {
                    dist_mod.push((dist_pos, 0.0));
                } else if steps_neg != 0 {
                    dist_mod.push((-dist_neg, 0.0));
                }
                if r == 0 {
                    break; // only do the center point once
                }
            }
        }

        // the average local module size from the points where we found one...
        let (sum, n) = dist_mod
            .iter()
            .filter(|t| t.1 > 0.0)
            .fold((0.0, 0usize), |(s, n), t| (s + t.1, n + 1));
        if n == 0 {
            return;
        }
        let local_mod_size = sum / n as f64;

        // ... and use it for the points where we didn't find one
        let mut d: Vec<f64> = dist_mod
            .iter()
            .map(|&(dist, m)| {
                let m = if m == 0.0 { local_mod_size } else { m };
                if dist < 0.0 {
                    -nearest_half_residual(-dist, m)
                } else {
                    nearest_half_residual(dist, m)
                }
            })
            .collect();

        self.origin = self.origin + cluster_avg(&mut d, mod_size / 2.0) * dir;

        // with local module sizes at every point (hopefully the timing pattern crosses), update the step
        if n == dist_mod.len() && (local_mod_size - mod_size).abs() > mod_size * 0.1 {
            let s = local_mod_size / mod_size * step;
            match axis {
                Axis::X => self.step_x = s,
                Axis::Y => self.step_y = s,
            }
        }
    }

    /// Search the spiral around the origin for the given pattern: timing modules alternating
    /// from `timing_start` along `timing_dirs`, black ones from `black_start` along
    /// `black_dirs`, white ones from `white_start` along `white_dirs`. On success the origin
    /// is the pattern's centre.
    #[allow(clippy::too_many_arguments)]
    fn find_pattern(
        &mut self,
        radius: i32,
        timing_start: I2,
        timing_dirs: &[I2],
        black_start: I2,
        black_dirs: &[I2],
        white_start: I2,
        white_dirs: &[I2],
    ) -> bool {
        let is_pattern_at = |g: &Self, p: I2| {
            for r in 0..=radius {
                for d in timing_dirs {
                    let q = (
                        p.0 + timing_start.0 + r * d.0,
                        p.1 + timing_start.1 + r * d.1,
                    );
                    if !g.find_value(q, *d, r % 2 == 1) {
                        return false;
                    }
                }
                for d in black_dirs {
                    let q = (p.0 + black_start.0 + r * d.0, p.1 + black_start.1 + r * d.1);
                    if !g.find_value(q, *d, true) {
                        return false;
                    }
                }
                for d in white_dirs {
                    let q = (p.0 + white_start.0 + r * d.0, p.1 + white_start.1 + r * d.1);
                    if !g.find_value(q, *d, false) {
                        return false;
                    }
                }
            }
            true
        };

        for p in spiral(3) {
            if is_pattern_at(self, p) {
                let original = self.origin;
                self.origin = self.get_pos(i2f(p));
                let steps_x: Vec<V> = timing_dirs
                    .iter()
                    .filter(|d| d.1 == 0)
                    .map(|d| f64::from(d.0) * self.step_x)
                    .collect();
                let steps_y: Vec<V> = timing_dirs
                    .iter()
                    .filter(|d| d.1 != 0)
                    .map(|d| f64::from(d.1) * self.step_y)
                    .collect();
                if !steps_x.is_empty() {
                    self.adjust_origin_and_step(Axis::X, radius, &steps_x);
                }
                if !steps_y.is_empty() {
                    self.adjust_origin_and_step(Axis::Y, radius, &steps_y);
                }
                if (!steps_x.is_empty() || !steps_y.is_empty()) && !is_pattern_at(self, (0, 0)) {
                    self.origin = original;
                }
                return true;
            }
        }
        false
    }
}

/// The offsets of a square spiral of the given radius around (0, 0), centre first.
fn spiral(radius: i32) -> impl Iterator<Item = I2> {
    std::iter::once((0, 0)).chain((1..=radius).flat_map(|r| {
        let right = (0..2 * r).map(move |k| (r, -(r - 1) + k));
        let bottom = (0..2 * r).map(move |k| ((r - 1) - k, r));
        let left = (0..2 * r).map(move |k| (-r, (r - 1) - k));
        let top = (0..2 * r).map(move |k| (-(r - 1) + k, -r));
        right.chain(bottom).chain(left).chain(top)
    }))
}

// ---------------------------------------------------------------------------------------------
// Grid sampling (GridSampler.cpp)
// ---------------------------------------------------------------------------------------------

struct Roi {
    x0: i32,
    x1: i32,
    y0: i32,
    y1: i32,
    mod2pix: Transform,
}

fn sample_grid(
    img: &BitMatrix,
    width: i32,
    height: i32,
    rois: &[Roi],
) -> Option<DatamatrixDetectorResult> {
    if width <= 0 || height <= 0 {
        return None;
    }
    for roi in rois {
        // bail out early if the grid is "obviously" not completely inside the image
        let inside = |x: i32, y: i32| is_in(img, roi.mod2pix.apply(i2f((x, y)) + v(0.5, 0.5)));
        if !roi.mod2pix.is_valid()
            || !inside(roi.x0, roi.y0)
            || !inside(roi.x1 - 1, roi.y0)
            || !inside(roi.x1 - 1, roi.y1 - 1)
            || !inside(roi.x0, roi.y1 - 1)
        {
            return None;
        }
    }

    let mut res = BitMatrix::new(width as u32, height as u32).ok()?;
    for roi in rois {
        for y in roi.y0..roi.y1 {
            for x in roi.x0..roi.x1 {
                let p = roi.mod2pix.apply(i2f((x, y)) + v(0.5, 0.5));
                // a non-perspective numerical instability can put an inner point outside (#563)
                match test_at(img, p) {
                    None => return None,
                    Some(true) => res.set(x as u32, y as u32),
                    Some(false) => {}
                }
            }
        }
    }

    let project_corner = |x: i32, y: i32| {
        for roi in rois {
            if roi.x0 <= x && x <= roi.x1 && roi.y0 <= y && y <= roi.y1 {
                return to_point(roi.mod2pix.apply(i2f((x, y))) + v(0.5, 0.5));
            }
        }
        Point::default()
    };
    let corners = vec![
        project_corner(0, 0),
        project_corner(width, 0),
        project_corner(width, height),
        project_corner(0, height),
    ];
    Some(DatamatrixDetectorResult::new(res, corners))
}

/// Sample region by region, each between the alignment pattern positions found; positions not
/// found are projected with the global `mod2pix` (fine if the symbol is flat).
fn sample_grid_aligned(
    img: &BitMatrix,
    width: i32,
    height: i32,
    mod2pix: &Transform,
    ap: &mut [Option<V>],
    ap_x: &[i32],
    ap_y: &[i32],
) -> Option<DatamatrixDetectorResult> {
    let (w, h) = (ap_x.len() - 1, ap_y.len() - 1);
    let stride = ap_x.len();
    for y in 0..=h {
        for x in 0..=w {
            if ap[y * stride + x].is_none() {
                ap[y * stride + x] = Some(mod2pix.apply(i2f((ap_x[x], ap_y[y])) + v(0.5, 0.5)));
            }
        }
    }
    let at = |x: usize, y: usize| ap[y * stride + x].unwrap_or_default();
    let mut rois = Vec::with_capacity(w * h);
    for y in 0..h {
        for x in 0..w {
            let (x0, x1, y0, y1) = (ap_x[x], ap_x[x + 1], ap_y[y], ap_y[y + 1]);
            rois.push(Roi {
                x0: if x == 0 { 0 } else { x0 },
                x1: if x == w - 1 { width } else { x1 },
                y0: if y == 0 { 0 } else { y0 },
                y1: if y == h - 1 { height } else { y1 },
                mod2pix: Transform::new(
                    &rectangle_xy(x0, x1, y0, y1, 0.5),
                    &[at(x, y), at(x + 1, y), at(x + 1, y + 1), at(x, y + 1)],
                ),
            });
        }
    }
    sample_grid(img, width, height, &rois)
}

/// Module index -> actual module centre along an edge, from the gaps of its traced timing
/// pattern (zxing-cpp's BuildModuleCenterLUT, piecewise linear). Empty when the deviation is
/// under half a module.
fn build_module_center_lut(
    points: &[V],
    start: V,
    end: V,
    num_modules: i32,
    edge_frac_to_module: impl Fn(f64) -> f64,
) -> Vec<f64> {
    if points.len() < 5 || num_modules <= 0 {
        return Vec::new();
    }
    let edge_dir = end - start;
    let edge_len = length(edge_dir);
    let unit_dir = normalized(edge_dir);
    let mod_size = edge_len / f64::from(num_modules);

    let mut proj: Vec<f64> = points.iter().map(|p| dot(*p - start, unit_dir)).collect();
    let mut starts_with_gap = 0;
    if proj[0] > proj[proj.len() - 1] {
        proj.reverse();
        starts_with_gap = 1;
    }

    // a lower threshold than modules() (1.9x) catches gaps compressed by barrel distortion
    let unit_pixel_dist = length(bresenham_direction(edge_dir));
    let gap_threshold = 1.4 * unit_pixel_dist;

    let mut gap_mids: Vec<f64> = Vec::new();
    for i in 1..proj.len() {
        if proj[i] - proj[i - 1] > gap_threshold {
            let mid = (proj[i] + proj[i - 1]) / 2.0;
            if gap_mids
                .last()
                .is_none_or(|last| mid - last > 0.75 * 2.0 * mod_size)
            {
                gap_mids.push(mid);
            }
        }
    }
    if gap_mids.is_empty() {
        return Vec::new();
    }

    // each gap's module index, allowing for missing gaps via the spacing
    let mut mod_idx = vec![0i32; gap_mids.len()];
    mod_idx[0] =
        ((gap_mids[0] / mod_size - (1.5 + f64::from(starts_with_gap))) / 2.0).round() as i32 * 2
            + 1
            + starts_with_gap;
    for i in 1..gap_mids.len() {
        mod_idx[i] = mod_idx[i - 1]
            + (((gap_mids[i] - gap_mids[i - 1]) / (2.0 * mod_size)).round() as i32).max(1) * 2;
    }

    // (uniform module coordinate, corrected module coordinate)
    let mut knots: Vec<(f64, f64)> = Vec::with_capacity(gap_mids.len() + 2);
    knots.push((0.0, 0.0));
    for (k, mid) in gap_mids.iter().enumerate() {
        knots.push((
            f64::from(mod_idx[k]) + 0.5,
            edge_frac_to_module(mid / edge_len),
        ));
    }
    knots.push((f64::from(num_modules), f64::from(num_modules)));

    // less than 1/2 module deviation: correction not worthwhile
    if knots.iter().fold(0.0f64, |m, k| m.max((k.0 - k.1).abs())) < 0.5 {
        return Vec::new();
    }
    if knots.windows(2).any(|w| w[1].0 - w[0].0 < 0.1) {
        return Vec::new(); // zxing-cpp asserts the knots are increasing
    }

    let mut lut = vec![0.0; num_modules as usize];
    let mut ki = 0;
    for (i, slot) in lut.iter_mut().enumerate() {
        let mc = i as f64 + 0.5;
        while ki + 1 < knots.len() - 1 && knots[ki + 1].0 < mc {
            ki += 1;
        }
        let den = knots[ki + 1].0 - knots[ki].0;
        let t = (mc - knots[ki].0) / den;
        *slot = knots[ki].1 + t * (knots[ki + 1].1 - knots[ki].1);
    }
    lut
}

fn lut_at(lut: &[f64], i: i32) -> f64 {
    if lut.is_empty() {
        f64::from(i) + 0.5
    } else {
        lut[i as usize]
    }
}

fn sample_grid_corrected(
    img: &BitMatrix,
    width: i32,
    height: i32,
    mod2pix: &Transform,
    top_lut: &[f64],
    right_lut: &[f64],
) -> Option<DatamatrixDetectorResult> {
    let mut res = BitMatrix::new(width as u32, height as u32).ok()?;
    for y in 0..height {
        let my = lut_at(right_lut, y);
        for x in 0..width {
            let p = mod2pix.apply(v(lut_at(top_lut, x), my));
            match test_at(img, p) {
                None => return None,
                Some(true) => res.set(x as u32, y as u32),
                Some(false) => {}
            }
        }
    }
    let corner = |x: i32, y: i32| to_point(mod2pix.apply(i2f((x, y))) + v(0.5, 0.5));
    Some(DatamatrixDetectorResult::new(
        res,
        vec![
            corner(0, 0),
            corner(width, 0),
            corner(width, height),
            corner(0, height),
        ],
    ))
}

// ---------------------------------------------------------------------------------------------
// Scan and Detect
// ---------------------------------------------------------------------------------------------

/// Trace from `start` onwards; every candidate grid goes to `found`, which returns true to stop.
/// Returns true when `found` did.
fn scan(
    start: &mut Tracer,
    lines: &mut [Line; 4],
    found: &mut dyn FnMut(DatamatrixDetectorResult) -> bool,
) -> bool {
    macro_rules! check {
        ($e:expr) => {
            if !($e) {
                continue;
            }
        };
    }

    while start.move_to_next_white_after_black() {
        for l in lines.iter_mut() {
            l.reset();
        }
        let [line_l, line_b, line_r, line_t] = &mut *lines;
        let (mut tl, mut bl, mut br, mut tr) =
            (V::default(), V::default(), V::default(), V::default());

        let mut t = start.clone();

        // follow left leg upwards
        t.turn_right();
        t.state = 1;
        check!(t.trace_line(t.right(), line_l));
        check!(t.trace_corner(t.right(), &mut tl));
        line_l.reverse();
        let mut tl_tracer = t.clone();

        // follow left leg downwards
        t = start.clone();
        t.state = 1;
        t.set_direction(tl_tracer.right());
        check!(t.trace_line(t.left(), line_l));

        // if line_l is L-shaped, truncate the lower leg and set t to just before the corner
        if line_l.truncate_if_l_shape() {
            if let Some(last) = line_l.points().last() {
                t.p = *last;
            }
        }
        t.update_direction_from_origin(tl);
        let up = t.back();
        check!(t.trace_corner(t.left(), &mut bl));

        // follow bottom leg right
        t.state = 2;
        check!(t.trace_line(t.left(), line_b));
        t.update_direction_from_origin(bl);
        let right = t.d;
        check!(t.trace_corner(t.left(), &mut br));

        let len_l = distance(tl, bl) - 1.0;
        let len_b = distance(bl, br) - 1.0;
        check!(len_l >= 8.0 && len_b >= 10.0 && len_b >= len_l / 4.0 && len_b <= len_l * 18.0);

        let mut max_step_size = (len_b / 5.0 + 1.0) as i32; // datamatrix bottom dim is at least 10

        // a plausible L-shape: now the b/w pattern at the top and right.
        // follow top row right 'half way' (at least 4 gaps)
        tl_tracer.set_direction(right);
        check!(tl_tracer.trace_gaps(tl_tracer.right(), line_t, max_step_size, None, len_b / 2.0));

        max_step_size = (line_t.length() / 3).min((len_l / 5.0) as i32) * 2;

        // follow up until we reach the top line
        t.set_direction(up);
        t.state = 3;
        check!(t.trace_gaps(t.left(), line_r, max_step_size, Some(line_t), 0.0));
        check!(t.trace_corner(t.left(), &mut tr));

        let len_t = distance(tl, tr) - 1.0;
        let len_r = distance(tr, br) - 1.0;
        check!(
            (len_t - len_b).abs() / len_b < 0.5
                && (len_r - len_l).abs() / len_l < 0.5
                && line_t.points().len() >= 5
                && line_r.points().len() >= 5
        );

        // continue top row right until we cross the right line
        check!(tl_tracer.trace_gaps(tl_tracer.right(), line_t, max_step_size, Some(line_r), 0.0));

        for l in [&mut *line_l, &mut *line_b, &mut *line_t, &mut *line_r] {
            l.evaluate(1.0, false);
        }
        check!(line_l.is_valid() && line_b.is_valid() && line_t.is_valid() && line_r.is_valid());

        // the corners with sub-pixel precision, where the 4 border lines intersect
        bl = intersect(line_b, line_l);
        tl = intersect(line_t, line_l);
        tr = intersect(line_t, line_r);
        br = intersect(line_b, line_r);

        let split = |d: f64| -> (i32, f64) {
            if d.is_normal() {
                let i = d.round() as i32;
                (i, (d - f64::from(i)).abs())
            } else {
                (0, f64::INFINITY)
            }
        };
        let (mut dim_t, frac_t) = split(line_t.modules(tl, tr));
        let (mut dim_r, frac_r) = split(line_r.modules(br, tr));

        // the dimension is 2x the number of black/white transitions
        dim_t *= 2;
        dim_r *= 2;

        let version_for = |rows: i32, cols: i32| -> Option<&'static Version> {
            if rows <= 0 || cols <= 0 {
                return None;
            }
            Version::getVersionForDimensions(rows as u32, cols as u32).ok()
        };
        let mut version = version_for(dim_r, dim_t);

        // an invalid dimension that is almost square (all valid rectangular symbols differ in their
        // dimension by at least 10): try a square. If only one works, use it, otherwise the one
        // closer to an integral value.
        if version.is_none() && (dim_t - dim_r).abs() < 10 {
            let v_t = version_for(dim_t, dim_t);
            let v_r = version_for(dim_r, dim_r);
            let d = if v_t.is_some() != v_r.is_some() {
                if v_t.is_some() { dim_t } else { dim_r }
            } else if frac_r < frac_t {
                dim_r
            } else {
                dim_t
            };
            dim_t = d;
            dim_r = d;
            version = version_for(dim_r, dim_t);
        }
        // rxing addition: a mirrored rectangular symbol is traced transposed; its grid is sampled
        // as found and the decoder's mirrored attempt reads it
        let mut transposed = false;
        if version.is_none() {
            version = version_for(dim_t, dim_r);
            transposed = version.is_some();
        }
        let Some(version) = version else { continue };

        let moved_towards_by = |a: V, b1: V, b2: V, d: f64| {
            a + d * normalized(normalized(b1 - a) + normalized(b2 - a))
        };

        // shrink shape by half a pixel to go from center of white pixel outside of code to the edge between white and black
        let source: Quad = [
            moved_towards_by(tl, tr, bl, 0.5),
            // move the tr point a little less because the jagged top and right line tend to be statistically slightly
            // inclined toward the center anyway.
            moved_towards_by(tr, br, tl, 0.3),
            moved_towards_by(br, bl, tr, 0.5),
            moved_towards_by(bl, tl, br, 0.5),
        ];

        let module_rect = rectangle(dim_t, dim_r, 0.0);
        let mod2pix = Transform::new(&module_rect, &source);
        let pix2mod = Transform::new(&source, &module_rect);
        check!(mod2pix.is_valid() && pix2mod.is_valid());

        // the alignment pattern positions, in modules
        let (mut block_w, mut block_h) = (
            version.getDataRegionSizeColumns() as i32 + 2,
            version.getDataRegionSizeRows() as i32 + 2,
        );
        if transposed {
            std::mem::swap(&mut block_w, &mut block_h);
        }
        let blocks_x = dim_t / block_w;
        let blocks_y = dim_r / block_h;
        let mut ap_x: Vec<i32> = (0..=blocks_x).map(|i| i * block_w).collect();
        let mut ap_y: Vec<i32> = (0..=blocks_y).map(|i| i * block_h).collect();
        if let Some(l) = ap_x.last_mut() {
            *l = dim_t - 1;
        }
        if let Some(l) = ap_y.last_mut() {
            *l = dim_r - 1;
        }
        let (nx, ny) = (ap_x.len() - 1, ap_y.len() - 1);
        let mut ap: Vec<Option<V>> = vec![None; ap_x.len() * ap_y.len()];

        const L: I2 = (-1, 0);
        const R: I2 = (1, 0);
        const U: I2 = (0, -1);
        const D: I2 = (0, 1);
        let img = start.img;
        // the alignment pattern centre: the given b/w patterns around the mod2pix estimate
        #[allow(clippy::too_many_arguments)]
        let find_ap = |p: I2,
                       offset: I2,
                       radius: i32,
                       ts: I2,
                       td: &[I2],
                       bs: I2,
                       bd: &[I2],
                       ws: I2,
                       wd: &[I2]|
         -> Option<V> {
            let mut lg = LocalGrid::new(img, &mod2pix, p, offset);
            lg.find_pattern(radius, ts, td, bs, bd, ws, wd)
                .then_some(lg.origin)
        };

        for y in 0..=ny {
            for x in 0..=nx {
                let p = (ap_x[x], ap_y[y]);
                let found_ap = if x == 0 && y == 0 {
                    find_ap(p, (2, 0), 4, (1, 0), &[R], (0, 0), &[D], (-1, -1), &[D, R])
                } else if x == nx && y == 0 {
                    find_ap(
                        p,
                        (-1, 1),
                        4,
                        (0, 0),
                        &[L, D],
                        (0, 0),
                        &[],
                        (1, -1),
                        &[D, L],
                    )
                } else if x == nx && y == ny {
                    find_ap(p, (0, -2), 4, (0, -1), &[U], (0, 0), &[L], (1, 1), &[U, L])
                } else if x == 0 && y == ny {
                    find_ap(
                        p,
                        (1, -1),
                        4,
                        (0, 0),
                        &[],
                        (0, 0),
                        &[U, R],
                        (-1, 1),
                        &[U, R],
                    )
                } else if x == 0 {
                    find_ap(p, (2, 0), 3, (1, 0), &[R], (0, -1), &[U, D, R], (0, 0), &[])
                } else if x == nx {
                    find_ap(
                        p,
                        (-1, 0),
                        3,
                        (0, 0),
                        &[L, U, D],
                        (0, -1),
                        &[L],
                        (0, 0),
                        &[],
                    )
                } else if y == 0 {
                    find_ap(
                        p,
                        (-1, 0),
                        3,
                        (-1, 0),
                        &[L, R, D],
                        (0, 0),
                        &[D],
                        (0, 0),
                        &[],
                    )
                } else if y == ny {
                    find_ap(
                        p,
                        (-1, -1),
                        3,
                        (-1, -1),
                        &[U],
                        (0, 0),
                        &[L, R, U],
                        (0, 0),
                        &[],
                    )
                } else {
                    find_ap(
                        p,
                        (-1, 0),
                        3,
                        (-1, 0),
                        &[L, R, U, D],
                        (0, -1),
                        &[L, R, U, D],
                        (0, 0),
                        &[],
                    )
                };
                ap[y * ap_x.len() + x] = found_ap;
            }
        }

        if let Some(res) = sample_grid_aligned(img, dim_t, dim_r, &mod2pix, &mut ap, &ap_x, &ap_y) {
            if found(res) {
                return true;
            }
        }

        // symbols this large are unlikely to be fixable by a 'global' timing pattern correction
        if dim_t > 42 && dim_r > 42 {
            continue;
        }

        // timing-pattern-corrected alternatives for deformed symbols
        let (tl, tr, br) = (source[0], source[1], source[2]);
        let t_lut = build_module_center_lut(line_t.points(), tl, tr, dim_t, |f| {
            pix2mod.apply((1.0 - f) * tl + f * tr).x
        });
        let r_lut = build_module_center_lut(line_r.points(), tr, br, dim_r, |f| {
            pix2mod.apply((1.0 - f) * tr + f * br).y
        });
        if !t_lut.is_empty() || !r_lut.is_empty() {
            if let Some(res) = sample_grid_corrected(img, dim_t, dim_r, &mod2pix, &t_lut, &r_lut) {
                if found(res) {
                    return true;
                }
            }
        }
    }
    false
}

/// Detect DataMatrix symbols: every candidate grid goes to `found`, in zxing-cpp's order, until
/// it returns true. Returns whether it did.
pub fn detect_with(
    image: &BitMatrix,
    try_harder: bool,
    try_rotate: bool,
    found: &mut dyn FnMut(DatamatrixDetectorResult) -> bool,
) -> bool {
    let history = RefCell::new(if try_harder {
        History::new(image.getWidth(), image.getHeight())
    } else {
        History::new(0, 0)
    });
    let mut lines: [Line; 4] = Default::default();

    const MIN_SYMBOL_SIZE: i32 = 8 * 2; // minimum realistic size in pixel: 8 modules x 2 pixels per module

    for dir in [v(-1.0, 0.0), v(1.0, 0.0), v(0.0, -1.0), v(0.0, 1.0)] {
        let center = v(
            f64::from(image.getWidth() / 2),
            f64::from(image.getHeight() / 2),
        );
        let start_pos = centered(
            center - v(center.x * dir.x, center.y * dir.y) + f64::from(MIN_SYMBOL_SIZE / 2) * dir,
        );

        history.borrow_mut().clear();

        let mut i = 1;
        loop {
            let mut tracer = Tracer::new(image, start_pos, dir);
            let shift = f64::from(i / 2 * MIN_SYMBOL_SIZE * if i & 1 != 0 { -1 } else { 1 });
            tracer.p = tracer.p + shift * tracer.right();
            if try_harder {
                tracer.history = Some(&history);
            }
            if !tracer.is_in(tracer.p) {
                break;
            }
            if scan(&mut tracer, &mut lines, found) {
                return true;
            }
            if !try_harder {
                break; // only test center lines
            }
            i += 1;
        }

        if !try_rotate {
            break; // only test left direction
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spiral_visits_each_offset_once() {
        let all: Vec<I2> = spiral(3).collect();
        assert_eq!(all.len(), 49);
        assert_eq!(all[0], (0, 0));
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 49);
    }

    #[test]
    fn transform_maps_corners() {
        let src = rectangle(10, 10, 0.0);
        let dst = [v(10.0, 10.0), v(50.0, 12.0), v(55.0, 60.0), v(8.0, 52.0)];
        let t = Transform::new(&src, &dst);
        assert!(t.is_valid());
        for (s, d) in src.iter().zip(dst.iter()) {
            let p = t.apply(*s);
            assert!(distance(p, *d) < 1e-9, "{p:?} != {d:?}");
        }
        let back = Transform::new(&dst, &src);
        let q = back.apply(t.apply(v(3.0, 7.0)));
        assert!(distance(q, v(3.0, 7.0)) < 1e-9);
    }

    #[test]
    fn cluster_average_takes_the_largest_cluster() {
        let mut v = [0.1, 0.2, 0.15, 3.0, -2.0];
        assert!((cluster_avg(&mut v, 0.5) - 0.15).abs() < 1e-12);
    }
}
