@echo off
rem The two set-up commands of the README, for Windows (cmd or PowerShell; no admin rights):
rem   make report   create .venv, install pinned dependencies, build the 2016/17 sample report
rem   make test     install the test extras (and the browser-test packages) and run the tests
rem   make validate / make lint   as in the Makefile
rem In PowerShell type .\make report. Set PYTHON to choose the interpreter (default: the
rem py launcher, else python on PATH).
setlocal
cd /d "%~dp0"
set "VENV=.venv"
set "BIN=%VENV%\Scripts"
set "PIP=%BIN%\python.exe -m pip install --quiet --disable-pip-version-check"
if not defined PYTHON (
    where py >nul 2>nul && (set "PYTHON=py -3") || (set "PYTHON=python")
)

if /i "%~1"=="report" goto report
if /i "%~1"=="test" goto test
if /i "%~1"=="validate" goto validate
if /i "%~1"=="lint" goto lint
echo usage: make report ^| test ^| validate ^| lint
exit /b 2

:report
call :installed || exit /b 1
"%BIN%\complaints-report.exe" build
exit /b %errorlevel%

:test
call :installed-test || exit /b 1
call :browser-packages
"%BIN%\ruff.exe" check . || exit /b 1
"%BIN%\python.exe" -m pytest
exit /b %errorlevel%

:validate
call :installed || exit /b 1
"%BIN%\complaints-report.exe" validate
exit /b %errorlevel%

:lint
call :installed-test || exit /b 1
"%BIN%\ruff.exe" check . || exit /b 1
"%BIN%\ruff.exe" format --check .
exit /b %errorlevel%

rem The virtual environment with the project and its pinned dependencies; installed again
rem only when pyproject.toml or requirements.lock differ from the copies kept in .venv.
:installed
if exist "%BIN%\python.exe" (
    fc /b pyproject.toml "%VENV%\installed-pyproject.toml" >nul 2>nul && fc /b requirements.lock "%VENV%\installed-requirements.lock" >nul 2>nul && exit /b 0
) else (
    %PYTHON% -m venv "%VENV%" || exit /b 1
)
%PIP% --upgrade pip || exit /b 1
%PIP% -c requirements.lock -e . || exit /b 1
del "%VENV%\installed-test" 2>nul
copy /y pyproject.toml "%VENV%\installed-pyproject.toml" >nul
copy /y requirements.lock "%VENV%\installed-requirements.lock" >nul
exit /b 0

:installed-test
call :installed || exit /b 1
if exist "%VENV%\installed-test" exit /b 0
%PIP% -c requirements.lock -e ".[test]" || exit /b 1
type nul > "%VENV%\installed-test"
exit /b 0

rem Browser tests need axe-core and playwright-core from npm; skipped when npm is absent.
:browser-packages
where npm >nul 2>nul || (echo npm not found: the browser tests will be skipped& exit /b 0)
if exist "tests\browser\node_modules\.installed" exit /b 0
pushd tests\browser
call npm ci --no-audit --no-fund --loglevel=error && type nul > node_modules\.installed
popd
exit /b 0
