-- HTML: each table in its own sideways-scrolling region, so a wide table never makes the
-- page scroll (WCAG 1.4.10 reflow). The wrapper is focusable and named so that keyboard and
-- screen-reader users can reach and scroll it; it is a group, not a region landmark, since
-- several tables share the same column headings.
if not FORMAT:match("html") then
  return {}
end

-- The table's caption, or else its column headings: "Table: Year, Duty matters".
local function label(tbl)
  local caption = pandoc.utils.stringify(tbl.caption.long or {})
  if caption ~= "" then
    return caption
  end
  local headings = {}
  for _, row in ipairs(tbl.head.rows) do
    for _, cell in ipairs(row.cells) do
      table.insert(headings, pandoc.utils.stringify(cell.contents))
    end
  end
  return "Table: " .. table.concat(headings, ", ")
end

function Table(tbl)
  return pandoc.Div(
    { tbl },
    pandoc.Attr("", { "table-scroll" }, { { "role", "group" }, { "tabindex", "0" }, { "aria-label", label(tbl) } })
  )
end
