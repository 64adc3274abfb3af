#include "report/html_report.hpp"

#include "common/progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

namespace gmat {

namespace {

std::string esc(const std::string &s) {
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string fmt(const char *pattern, double v) {
    char text[64];
    std::snprintf(text, sizeof text, pattern, v);
    return text;
}

double bpw_of(const ReportTensor &t) { return t.elements ? 8.0 * t.bytes / t.elements : 0; }

// Red (2 bits) through yellow to green (8.5 bits and more).
std::string bpw_color(double bpw) {
    const double x = std::clamp((bpw - 2.0) / 6.5, 0.0, 1.0);
    return "hsl(" + fmt("%.0f", 120 * x) + ",70%,62%)";
}

// Green (1e-6 relative error and less) to red (1e-1 and more).
std::string error_color(double e) {
    if (e <= 0) return "hsl(210,40%,85%)";
    const double x = std::clamp((std::log10(e) + 6) / 5, 0.0, 1.0);
    return "hsl(" + fmt("%.0f", 120 * (1 - x)) + ",70%,62%)";
}

const std::vector<std::string> &role_order() {
    static const std::vector<std::string> order{"token_embd", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate",
                                                "ffn_up", "ffn_down", "ffn_gate_exps", "ffn_up_exps", "ffn_down_exps",
                                                "ffn_gate_shexp", "ffn_up_shexp", "ffn_down_shexp", "output"};
    return order;
}

// Map columns: the roles of quantized (2-D) tensors, in a fixed order then by name.
std::vector<std::string> map_roles(const ReportProfile &p) {
    std::set<std::string> present;
    for (const auto &t : p.tensors)
        if (t.shape.size() >= 2) present.insert(t.role);
    std::vector<std::string> roles;
    for (const auto &r : role_order())
        if (present.erase(r)) roles.push_back(r);
    roles.insert(roles.end(), present.begin(), present.end());
    return roles;
}

// Layers x roles: one cell per tensor, colored by color_of, labelled with label_of.
template <class Color, class Label>
std::string type_map_svg(const ReportProfile &p, const std::string &css_class, Color color_of, Label label_of) {
    const auto roles = map_roles(p);
    std::map<std::pair<int64_t, std::string>, const ReportTensor *> cells; // layer -1: model-level tensors
    int64_t max_layer = -1;
    for (const auto &t : p.tensors) {
        if (t.shape.size() < 2) continue;
        const int64_t layer = t.layer ? static_cast<int64_t>(*t.layer) : -1;
        cells[{layer, t.role}] = &t;
        max_layer = std::max(max_layer, layer);
    }
    const int cw = 86, ch = 18, left = 64, top = 40;
    const int width = left + cw * static_cast<int>(roles.size()) + 8;
    const int height = top + ch * static_cast<int>(max_layer + 2) + 8;
    std::ostringstream s;
    s << "<svg class=\"" << css_class << "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << width << "\" height=\"" << height
      << "\" viewBox=\"0 0 " << width << " " << height << "\" role=\"img\">";
    for (size_t c = 0; c < roles.size(); ++c)
        s << "<text x=\"" << left + cw * c + cw / 2 << "\" y=\"" << top - 8 << "\" class=\"col\" transform=\"rotate(-20 "
          << left + cw * c + cw / 2 << " " << top - 8 << ")\">" << esc(roles[c]) << "</text>";
    for (int64_t layer = -1; layer <= max_layer; ++layer) {
        const int y = top + ch * static_cast<int>(layer + 1);
        s << "<text x=\"" << left - 6 << "\" y=\"" << y + ch - 5 << "\" class=\"row\">"
          << (layer < 0 ? std::string("model") : "blk." + std::to_string(layer)) << "</text>";
        for (size_t c = 0; c < roles.size(); ++c) {
            const auto it = cells.find({layer, roles[c]});
            if (it == cells.end()) continue;
            const ReportTensor &t = *it->second;
            const int x = left + cw * static_cast<int>(c);
            s << "<g><title>" << esc(t.name) << ": " << esc(t.type) << ", " << t.bytes << " bytes, " << fmt("%.3f", bpw_of(t))
              << " bpw, relative error " << fmt("%.3e", t.relative_error) << " (" << esc(t.reason) << ")</title>"
              << "<rect x=\"" << x + 1 << "\" y=\"" << y + 1 << "\" width=\"" << cw - 2 << "\" height=\"" << ch - 2
              << "\" fill=\"" << color_of(t) << "\"/><text x=\"" << x + cw / 2 << "\" y=\"" << y + ch - 5
              << "\" class=\"cell\">" << esc(label_of(t)) << "</text></g>";
        }
    }
    s << "</svg>";
    return s.str();
}

std::string size_bars_svg(const std::vector<ReportProfile> &profiles) {
    uint64_t largest = 1;
    for (const auto &p : profiles) largest = std::max(largest, p.file_bytes);
    const int row = 26, left = 220, bar = 420;
    const int height = row * static_cast<int>(profiles.size()) + 10;
    std::ostringstream s;
    s << "<svg class=\"sizes\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + bar + 200 << "\" height=\"" << height
      << "\" role=\"img\">";
    for (size_t i = 0; i < profiles.size(); ++i) {
        const auto &p = profiles[i];
        const int y = 5 + row * static_cast<int>(i);
        const double w = static_cast<double>(bar) * p.file_bytes / largest;
        s << "<text x=\"" << left - 8 << "\" y=\"" << y + 16 << "\" class=\"row\">" << esc(p.name) << "</text>"
          << "<rect class=\"size-bar\" x=\"" << left << "\" y=\"" << y + 3 << "\" width=\"" << fmt("%.1f", std::max(w, 1.0))
          << "\" height=\"" << row - 8 << "\" fill=\"" << bpw_color(p.bits_per_weight()) << "\"><title>" << p.file_bytes
          << " bytes</title></rect><text x=\"" << left + w + 6 << "\" y=\"" << y + 16 << "\">" << esc(human_bytes(p.file_bytes))
          << ", " << fmt("%.3f", p.bits_per_weight()) << " bpw</text>";
    }
    s << "</svg>";
    return s.str();
}

// Average bits per weight of each role, one bar per profile: where the bits went.
std::string role_bits_svg(const std::vector<ReportProfile> &profiles) {
    std::vector<std::string> roles;
    for (const auto &p : profiles)
        for (const auto &r : map_roles(p))
            if (std::find(roles.begin(), roles.end(), r) == roles.end()) roles.push_back(r);
    const int group = 14 * static_cast<int>(profiles.size()) + 10, left = 130, scale = 40;
    const int height = group * static_cast<int>(roles.size()) + 30;
    std::ostringstream s;
    s << "<svg class=\"roles\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" << left + scale * 17 + 80 << "\" height=\""
      << height << "\" role=\"img\">";
    for (int b = 0; b <= 16; b += 2)
        s << "<line x1=\"" << left + scale * b << "\" y1=\"0\" x2=\"" << left + scale * b << "\" y2=\"" << height - 20
          << "\" class=\"grid\"/><text x=\"" << left + scale * b << "\" y=\"" << height - 6 << "\" class=\"cell\">" << b
          << "</text>";
    for (size_t r = 0; r < roles.size(); ++r) {
        const int y = group * static_cast<int>(r);
        s << "<text x=\"" << left - 8 << "\" y=\"" << y + group / 2 + 4 << "\" class=\"row\">" << esc(roles[r]) << "</text>";
        for (size_t i = 0; i < profiles.size(); ++i) {
            uint64_t bytes = 0, elements = 0;
            for (const auto &t : profiles[i].tensors)
                if (t.role == roles[r] && t.shape.size() >= 2) bytes += t.bytes, elements += t.elements;
            if (!elements) continue;
            const double bpw = 8.0 * bytes / elements;
            s << "<rect class=\"role-bar\" x=\"" << left << "\" y=\"" << y + 5 + 14 * i << "\" width=\""
              << fmt("%.1f", std::max(1.0, scale * std::min(bpw, 17.0))) << "\" height=\"12\" fill=\"" << bpw_color(bpw)
              << "\" stroke=\"#555\" stroke-width=\"0.5\"><title>" << esc(profiles[i].name) << ": " << esc(roles[r]) << " "
              << fmt("%.3f", bpw) << " bpw</title></rect><text x=\"" << left + scale * std::min(bpw, 17.0) + 4 << "\" y=\""
              << y + 15 + 14 * i << "\" class=\"small\">" << esc(profiles[i].name) << " " << fmt("%.2f", bpw) << "</text>";
        }
    }
    s << "</svg>";
    return s.str();
}

} // namespace

std::string render_report_html(const std::string &title, const std::vector<ReportProfile> &profiles) {
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>gmat report: " << esc(title)
      << "</title><style>"
         "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#fff}"
         "h1{font-size:22px}h2{font-size:18px;margin-top:32px}h3{font-size:15px}"
         "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
         "th{background:#f2f2f2}td.l,th.l{text-align:left}"
         "svg text{font:11px system-ui,sans-serif;fill:#222}svg text.row{text-anchor:end}"
         "svg text.cell,svg text.col{text-anchor:middle}svg text.small{font-size:10px}"
         "svg .grid{stroke:#ddd}details{margin:8px 0}.legend span{display:inline-block;padding:1px 6px;margin-right:2px}"
         "</style></head><body>\n";
    h << "<h1>gmat report: " << esc(title) << "</h1>\n";
    h << "<p>Profiles of one store compared from their export plans (nothing is written). Predicted error: relative "
         "squared error of each tensor's type on sampled rows, weighted by role as <code>auto</code> weighs it.</p>\n";
    h << "<h2>Size and bits per weight</h2>\n<table class=\"summary\"><tr><th class=\"l\">profile</th><th "
         "class=\"l\">default type</th><th>target</th><th>file bytes</th><th>tensor bytes</th><th>bits per "
         "weight</th><th>predicted loss</th><th>plan time</th></tr>\n";
    for (const auto &p : profiles) {
        std::string target = "";
        if (p.target_bpw) target = fmt("%g bpw", *p.target_bpw);
        if (p.target_size) target = std::to_string(*p.target_size) + " bytes";
        h << "<tr><td class=\"l\">" << esc(p.name) << "</td><td class=\"l\">" << esc(p.default_type) << "</td><td>"
          << esc(target) << "</td><td>" << p.file_bytes << " (" << esc(human_bytes(p.file_bytes)) << ")</td><td>"
          << p.tensor_bytes << "</td><td>" << fmt("%.4f", p.bits_per_weight()) << "</td><td>"
          << fmt("%.4e", p.predicted_loss) << "</td><td>" << fmt("%.2f s", p.seconds) << "</td></tr>\n";
    }
    h << "</table>\n" << size_bars_svg(profiles) << "\n";
    h << "<h2>Bits per weight by role</h2>\n<p>Where each profile spent its bits (for <code>auto</code>: what the "
         "budget bought).</p>\n"
      << role_bits_svg(profiles) << "\n";
    h << "<div class=\"legend\">bits per weight: ";
    for (double b : {2.0, 3.0, 4.0, 5.0, 6.0, 8.5}) h << "<span style=\"background:" << bpw_color(b) << "\">" << b << "</span>";
    h << " &nbsp; relative error: ";
    for (double e : {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1})
        h << "<span style=\"background:" << error_color(e) << "\">" << fmt("%.0e", e) << "</span>";
    h << "</div>\n";
    for (const auto &p : profiles) {
        h << "<h2>" << esc(p.name) << "</h2>\n<h3>Types (layers x roles)</h3>\n"
          << type_map_svg(p, "type-map", [](const ReportTensor &t) { return bpw_color(bpw_of(t)); },
                          [](const ReportTensor &t) { return t.type; })
          << "\n<h3>Predicted relative error</h3>\n"
          << type_map_svg(p, "error-map", [](const ReportTensor &t) { return error_color(t.relative_error); },
                          [](const ReportTensor &t) { return t.relative_error > 0 ? fmt("%.1e", t.relative_error) : std::string("exact"); })
          << "\n<details><summary>Every tensor</summary><table class=\"tensors\"><tr><th class=\"l\">tensor</th><th "
             "class=\"l\">type</th><th>bytes</th><th>bpw</th><th>relative error</th><th>role weight</th><th "
             "class=\"l\">why</th></tr>\n";
        for (const auto &t : p.tensors)
            h << "<tr><td class=\"l\">" << esc(t.name) << "</td><td class=\"l\">" << esc(t.type) << "</td><td>" << t.bytes
              << "</td><td>" << fmt("%.3f", bpw_of(t)) << "</td><td>" << fmt("%.3e", t.relative_error) << "</td><td>"
              << fmt("%g", t.role_weight) << "</td><td class=\"l\">" << esc(t.reason) << "</td></tr>\n";
        h << "</table></details>\n";
    }
    h << "<p><small>Made by gmat " << GMAT_VERSION << ".</small></p>\n</body></html>\n";
    return h.str();
}

} // namespace gmat
