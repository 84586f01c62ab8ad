-- Which table columns hold numbers, for the filters that right-align them (typst.lua,
-- word.lua): loaded with dofile from beside the filter, under pandoc and Quarto alike.
local M = {}

-- A number, a percentage, a number with its percentage, or a table symbol ("-", "[x]").
function M.numeric(text)
  text = text:gsub("^%s+", ""):gsub("%s+$", "")
  if text == "" or text:match("^%[%a%]$") or text == "-" or text == "–" or text == ".." then
    return true
  end
  text = text:gsub("^£", ""):gsub("^[%-+−]", "")
  return text:match("^%d[%d,]*%.?%d*%%?$") ~= nil or text:match("^%d[%d,]*%.?%d* %(%d+%.?%d*%%%)$") ~= nil
end

-- True for each column whose body cells are all numeric and hold at least one digit;
-- ``text_of`` gives a cell's text as the filter reads it.
function M.numeric_columns(tbl, text_of)
  local result, seen = {}, {}
  for i = 1, #tbl.colspecs do
    result[i] = true
  end
  for _, body in ipairs(tbl.bodies) do
    for _, row in ipairs(body.body) do
      for i, cell in ipairs(row.cells) do
        local text = text_of(cell)
        seen[i] = seen[i] or text:match("%d") ~= nil
        result[i] = result[i] and M.numeric(text)
      end
    end
  end
  for i = 1, #tbl.colspecs do
    result[i] = result[i] and seen[i] == true
  end
  return result
end

return M
