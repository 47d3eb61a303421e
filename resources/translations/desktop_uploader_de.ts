<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>App</name>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="38"/>
        <source>Desktop Uploader</source>
        <translation>Desktop Uploader</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="88"/>
        <source>Settings cannot be read</source>
        <translation>Die Einstellungen können nicht gelesen werden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="95"/>
        <source>Unknown destination</source>
        <translation>Unbekanntes Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/app.py" line="96"/>
        <source>There is no destination named “{name}”.</source>
        <translation>Es gibt kein Ziel mit dem Namen „{name}“.</translation>
    </message>
</context>
<context>
    <name>DetailsDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="32"/>
        <source>Upload details – {name}</source>
        <translation>Upload-Details – {name}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="33"/>
        <source>Upload details</source>
        <translation>Upload-Details</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="48"/>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="49"/>
        <source>Destination:</source>
        <translation>Ziel:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="50"/>
        <source>Size:</source>
        <translation>Größe:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="51"/>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="55"/>
        <source>The upload failed.</source>
        <translation>Der Upload ist fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="57"/>
        <source>Why:</source>
        <translation>Warum:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="59"/>
        <source>What you can do:</source>
        <translation>Was Sie tun können:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="61"/>
        <source>For your administrator:</source>
        <translation>Für Ihre Administration:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="63"/>
        <source>Trying again may help:</source>
        <translation>Erneuter Versuch kann helfen:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="64"/>
        <source>Yes</source>
        <translation>Ja</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="64"/>
        <source>No</source>
        <translation>Nein</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="75"/>
        <source>Technical details (no passwords or keys are included):</source>
        <translation>Technische Details (ohne Passwörter oder Schlüssel):</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="79"/>
        <source>Technical details</source>
        <translation>Technische Details</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="84"/>
        <source>&amp;Copy report</source>
        <translation>Bericht &amp;kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="85"/>
        <source>Copy report</source>
        <translation>Bericht kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/details_dialog.py" line="89"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
</context>
<context>
    <name>DropZone</name>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="79"/>
        <source>Drop zone</source>
        <translation>Ablagefläche</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="80"/>
        <source>Drop files or folders anywhere on this window to upload them.</source>
        <translation>Ziehen Sie Dateien oder Ordner irgendwo auf dieses Fenster, um sie hochzuladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="83"/>
        <source>Drop files or folders here to upload them</source>
        <translation>Dateien oder Ordner zum Hochladen hierher ziehen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="88"/>
        <source>Add &amp;files…</source>
        <translation>&amp;Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="89"/>
        <source>Add f&amp;older…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="72"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="73"/>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="74"/>
        <source>Uploaded</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/history.py" line="75"/>
        <source>Destination</source>
        <translation>Ziel</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="123"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="354"/>
        <source>Desktop Uploader</source>
        <translation>Desktop Uploader</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="164"/>
        <source>Add &amp;files…</source>
        <translation>&amp;Dateien hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="166"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="408"/>
        <source>Choose files to upload</source>
        <translation>Dateien zum Hochladen auswählen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="167"/>
        <source>Add f&amp;older…</source>
        <translation>&amp;Ordner hinzufügen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="168"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="412"/>
        <source>Choose a folder to upload</source>
        <translation>Ordner zum Hochladen auswählen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="169"/>
        <source>&amp;Paste files</source>
        <translation>Dateien &amp;einfügen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="171"/>
        <source>Upload files copied in your file manager</source>
        <translation>Im Dateimanager kopierte Dateien hochladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="172"/>
        <source>&amp;Settings…</source>
        <translation>E&amp;instellungen…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="176"/>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="180"/>
        <source>Pause all</source>
        <translation>Alle anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="181"/>
        <source>Pause every waiting and running upload</source>
        <translation>Alle wartenden und laufenden Uploads anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="182"/>
        <source>Resume all</source>
        <translation>Alle fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="183"/>
        <source>Continue every paused upload</source>
        <translation>Alle angehaltenen Uploads fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="184"/>
        <source>Retry failed</source>
        <translation>Fehlgeschlagene wiederholen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="185"/>
        <source>Try every failed upload again</source>
        <translation>Alle fehlgeschlagenen Uploads erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="186"/>
        <source>Cancel all</source>
        <translation>Alle abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="187"/>
        <source>Stop every upload that has not finished</source>
        <translation>Alle nicht abgeschlossenen Uploads abbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="188"/>
        <source>Clear finished</source>
        <translation>Fertige entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="189"/>
        <source>Take uploaded and cancelled files off the list</source>
        <translation>Hochgeladene und abgebrochene Dateien aus der Liste nehmen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="191"/>
        <source>&amp;Details…</source>
        <translation>&amp;Details…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="193"/>
        <source>&amp;Pause</source>
        <translation>&amp;Anhalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="194"/>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="195"/>
        <source>&amp;Try again</source>
        <translation>&amp;Erneut versuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="196"/>
        <source>&amp;Cancel upload</source>
        <translation>Upload a&amp;bbrechen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="197"/>
        <source>Re&amp;move from list</source>
        <translation>Aus der Liste &amp;entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="199"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="210"/>
        <source>&amp;Open containing folder</source>
        <translation>Enthaltenden &amp;Ordner öffnen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="201"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="207"/>
        <source>Copy &amp;destination key</source>
        <translation>&amp;Zielschlüssel kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="203"/>
        <location filename="../../desktop_uploader/gui/main_window.py" line="209"/>
        <source>Copy object &amp;address</source>
        <translation>Objekt&amp;adresse kopieren</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="214"/>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="221"/>
        <source>&amp;Uploads</source>
        <translation>&amp;Uploads</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="226"/>
        <source>&amp;Selected</source>
        <translation>Au&amp;swahl</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="229"/>
        <source>Main toolbar</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="250"/>
        <source>No upload destination is set up yet. Open Settings to add one.</source>
        <translation>Es ist noch kein Upload-Ziel eingerichtet. Öffnen Sie die Einstellungen, um eines hinzuzufügen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="257"/>
        <source>Uploads</source>
        <translation>Uploads</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="262"/>
        <source>Upload queue</source>
        <translation>Upload-Warteschlange</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="276"/>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="282"/>
        <source>Search uploaded files by name or destination</source>
        <translation>Hochgeladene Dateien nach Name oder Ziel durchsuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="283"/>
        <source>Search history</source>
        <translation>Verlauf durchsuchen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="289"/>
        <source>Uploaded files</source>
        <translation>Hochgeladene Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="298"/>
        <source>&amp;History</source>
        <translation>&amp;Verlauf</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="303"/>
        <source>Total progress</source>
        <translation>Gesamtfortschritt</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="308"/>
        <source>Upload status</source>
        <translation>Upload-Status</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="345"/>
        <source>Show window</source>
        <translation>Fenster anzeigen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="381"/>
        <source>Adding {count} item(s)…</source>
        <translation>{count} Element(e) werden hinzugefügt…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="394"/>
        <source>{count} item(s) were skipped. Hover here for the list.</source>
        <translation>{count} Element(e) wurden übersprungen. Für die Liste hier verweilen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="399"/>
        <source>Added {count} file(s).</source>
        <translation>{count} Datei(en) hinzugefügt.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="404"/>
        <source>Adding files…</source>
        <translation>Dateien werden hinzugefügt…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="405"/>
        <source>Drop files or folders here to upload them</source>
        <translation>Dateien oder Ordner zum Hochladen hierher ziehen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="420"/>
        <source>The clipboard holds no files to upload.</source>
        <translation>Die Zwischenablage enthält keine Dateien zum Hochladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="491"/>
        <source>Some uploads failed</source>
        <translation>Einige Uploads sind fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="492"/>
        <source>{done} uploaded, {failed} failed. Open the window for details.</source>
        <translation>{done} hochgeladen, {failed} fehlgeschlagen. Details im Fenster.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="496"/>
        <source>Uploads finished</source>
        <translation>Uploads abgeschlossen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="497"/>
        <source>{done} file(s) uploaded.</source>
        <translation>{done} Datei(en) hochgeladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="510"/>
        <source>Something went wrong</source>
        <translation>Etwas ist schiefgegangen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="522"/>
        <source>{done} of {total} uploaded</source>
        <translation>{done} von {total} hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="524"/>
        <source>{failed} failed</source>
        <translation>{failed} fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="526"/>
        <source>{paused} paused</source>
        <translation>{paused} angehalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="530"/>
        <source>about {time} left</source>
        <translation>noch etwa {time}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="532"/>
        <source>{sent} of {total}</source>
        <translation>{sent} von {total}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="539"/>
        <source>Desktop Uploader – {percent} %: {status}</source>
        <translation>Desktop Uploader – {percent} %: {status}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="592"/>
        <source>Cancel all uploads?</source>
        <translation>Alle Uploads abbrechen?</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="593"/>
        <source>Stop every upload that has not finished?</source>
        <translation>Alle nicht abgeschlossenen Uploads abbrechen?</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="675"/>
        <source>No address can be worked out for uploads made through a signing service.</source>
        <translation>Für Uploads über einen Signierdienst lässt sich keine Adresse ermitteln.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="726"/>
        <source>Uploads are still running</source>
        <translation>Es laufen noch Uploads</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="727"/>
        <source>Quit anyway? Unfinished uploads are kept and continue the next time you open the app.</source>
        <translation>Trotzdem beenden? Unfertige Uploads bleiben erhalten und werden beim nächsten Start fortgesetzt.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="747"/>
        <source>Still uploading</source>
        <translation>Upload läuft weiter</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/main_window.py" line="748"/>
        <source>Uploads continue in the background. Use the tray icon to open the window or quit.</source>
        <translation>Die Uploads laufen im Hintergrund weiter. Über das Symbol im Infobereich öffnen Sie das Fenster oder beenden die App.</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="53"/>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="54"/>
        <source>Preparing</source>
        <translation>Wird vorbereitet</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="55"/>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="56"/>
        <source>Paused</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="57"/>
        <source>Uploaded</source>
        <translation>Hochgeladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="58"/>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="59"/>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="69"/>
        <source>{size}/s</source>
        <translation>{size}/s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="75"/>
        <source>{n} s</source>
        <translation>{n} s</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="78"/>
        <source>{n} min</source>
        <translation>{n} min</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="79"/>
        <source>{h} h {m} min</source>
        <translation>{h} h {m} min</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="167"/>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="168"/>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="169"/>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="170"/>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="171"/>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="172"/>
        <source>Destination</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="193"/>
        <source>{percent} percent</source>
        <translation>{percent} Prozent</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="206"/>
        <source>Failed: {summary}</source>
        <translation>Fehlgeschlagen: {summary}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="226"/>
        <source>Press Enter for details.</source>
        <translation>Eingabetaste drücken für Details.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/queue_model.py" line="363"/>
        <source>Trying again in {seconds} s</source>
        <translation>Neuer Versuch in {seconds} s</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="77"/>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="79"/>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="87"/>
        <source>&amp;Destinations:</source>
        <translation>&amp;Ziele:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="89"/>
        <source>Destinations</source>
        <translation>Ziele</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="94"/>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="95"/>
        <source>Remo&amp;ve</source>
        <translation>Ent&amp;fernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="96"/>
        <source>Use by &amp;default</source>
        <translation>Als &amp;Standard</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="111"/>
        <source>Test &amp;connection</source>
        <translation>&amp;Verbindung testen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="112"/>
        <source>Upload a tiny test file with these settings (not saved yet) and remove it again where allowed.</source>
        <translation>Mit diesen (noch nicht gespeicherten) Einstellungen eine kleine Testdatei hochladen und, wo erlaubt, wieder entfernen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="118"/>
        <source>Connection test result</source>
        <translation>Ergebnis des Verbindungstests</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="127"/>
        <source>Problem with the settings</source>
        <translation>Problem mit den Einstellungen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="158"/>
        <source>Destination name</source>
        <translation>Name des Ziels</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="158"/>
        <source>for example: Photos archive</source>
        <translation>zum Beispiel: Fotoarchiv</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="159"/>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="161"/>
        <source>How uploads are authorised</source>
        <translation>Wie Uploads autorisiert werden</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="162"/>
        <source>Signing service (recommended)</source>
        <translation>Signierdienst (empfohlen)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="163"/>
        <source>Access keys on this computer</source>
        <translation>Zugangsschlüssel auf diesem Computer</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="164"/>
        <source>&amp;Authorisation:</source>
        <translation>&amp;Autorisierung:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="171"/>
        <source>Signing service address</source>
        <translation>Adresse des Signierdienstes</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="172"/>
        <source>Service &amp;URL:</source>
        <translation>Dienst-&amp;URL:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="174"/>
        <source>Protocol</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="175"/>
        <source>Simple (one link per file)</source>
        <translation>Einfach (ein Link pro Datei)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="176"/>
        <source>Uppy Companion</source>
        <translation>Uppy Companion</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="177"/>
        <source>&amp;Protocol:</source>
        <translation>&amp;Protokoll:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="179"/>
        <source>Request method</source>
        <translation>Anfragemethode</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="181"/>
        <source>Request &amp;method:</source>
        <translation>Anfrage&amp;methode:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="182"/>
        <source>Parameter name for the object key</source>
        <translation>Parametername für den Objektschlüssel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="183"/>
        <source>&amp;Key parameter:</source>
        <translation>&amp;Schlüsselparameter:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="184"/>
        <source>Parameter name for the content type</source>
        <translation>Parametername für den Inhaltstyp</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="185"/>
        <source>Content &amp;type parameter:</source>
        <translation>Inhalts&amp;typ-Parameter:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="186"/>
        <source>Field of the answer that holds the link</source>
        <translation>Feld der Antwort, das den Link enthält</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="187"/>
        <source>&amp;Link field:</source>
        <translation>&amp;Linkfeld:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="189"/>
        <source>Secret headers</source>
        <translation>Geheime Header</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="190"/>
        <source>Header</source>
        <translation>Header</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="190"/>
        <source>Value (keychain)</source>
        <translation>Wert (Schlüsselbund)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="196"/>
        <source>Add &amp;header</source>
        <translation>Header &amp;hinzufügen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="197"/>
        <source>Remove header</source>
        <translation>Header entfernen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="206"/>
        <source>Secret &amp;headers:</source>
        <translation>Geheime &amp;Header:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="214"/>
        <source>Bucket</source>
        <translation>Bucket</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="215"/>
        <source>&amp;Bucket:</source>
        <translation>&amp;Bucket:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="216"/>
        <source>Region</source>
        <translation>Region</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="217"/>
        <source>&amp;Region:</source>
        <translation>&amp;Region:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="218"/>
        <source>S3-compatible server address</source>
        <translation>Adresse des S3-kompatiblen Servers</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="219"/>
        <source>empty for Amazon S3; e.g. https://s3.example.org</source>
        <translation>leer für Amazon S3; z. B. https://s3.example.org</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="220"/>
        <source>S3 &amp;server URL:</source>
        <translation>S3-&amp;Server-URL:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="222"/>
        <source>Addressing style</source>
        <translation>Adressierungsart</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="225"/>
        <source>Addressing st&amp;yle:</source>
        <translation>Adressierungs&amp;art:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="226"/>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="422"/>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="480"/>
        <source>Saved in the keychain; type to replace</source>
        <translation>Im Schlüsselbund gespeichert; zum Ersetzen eintippen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="227"/>
        <source>Access key ID</source>
        <translation>Zugangsschlüssel-ID</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="228"/>
        <source>Access key &amp;ID:</source>
        <translation>Zugangsschlüssel-&amp;ID:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="229"/>
        <source>Secret access key</source>
        <translation>Geheimer Zugangsschlüssel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="231"/>
        <source>&amp;Secret access key:</source>
        <translation>&amp;Geheimer Zugangsschlüssel:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="232"/>
        <source>Keys are stored in the system keychain only and are never shown again.</source>
        <translation>Schlüssel werden nur im Schlüsselbund des Systems gespeichert und nie wieder angezeigt.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="238"/>
        <source>Allow unencrypted http to other computers (not recommended)</source>
        <translation>Unverschlüsseltes http zu anderen Computern erlauben (nicht empfohlen)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="242"/>
        <source>&amp;Destination</source>
        <translation>&amp;Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="248"/>
        <source>Folder in the bucket</source>
        <translation>Ordner im Bucket</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="248"/>
        <source>optional, e.g. incoming/</source>
        <translation>optional, z. B. eingang/</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="249"/>
        <source>&amp;Folder in the bucket:</source>
        <translation>&amp;Ordner im Bucket:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="250"/>
        <source>Key template</source>
        <translation>Namensvorlage</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="251"/>
        <source>Name &amp;template:</source>
        <translation>Namens&amp;vorlage:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="252"/>
        <source>Placeholders: {names}</source>
        <translation>Platzhalter: {names}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="258"/>
        <source>Example destination</source>
        <translation>Beispielziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="260"/>
        <source>Example:</source>
        <translation>Beispiel:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="263"/>
        <source>File &amp;names</source>
        <translation>Datei&amp;namen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="271"/>
        <source>Files sent at the same time</source>
        <translation>Gleichzeitig gesendete Dateien</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="272"/>
        <source>Takes effect the next time the app starts.</source>
        <translation>Wirkt ab dem nächsten Start der App.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="273"/>
        <source>Files sent at the &amp;same time:</source>
        <translation>&amp;Gleichzeitig gesendete Dateien:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="277"/>
        <source>Send larger files in parts above</source>
        <translation>Größere Dateien in Teilen senden ab</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="278"/>
        <source>Send in &amp;parts above:</source>
        <translation>In &amp;Teilen senden ab:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="279"/>
        <source>&amp;Transfers</source>
        <translation>&amp;Übertragung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="288"/>
        <source>No limit</source>
        <translation>Keine Begrenzung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="289"/>
        <source>Bandwidth limit</source>
        <translation>Bandbreitenbegrenzung</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="290"/>
        <source>Applies at once, also to uploads already running.</source>
        <translation>Gilt sofort, auch für Uploads, die gerade laufen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="292"/>
        <source>&amp;Bandwidth limit:</source>
        <translation>&amp;Bandbreitenbegrenzung:</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="293"/>
        <source>Keep uploading in the background when the window is closed</source>
        <translation>Beim Schließen des Fensters im Hintergrund weiter hochladen</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="296"/>
        <source>&amp;General</source>
        <translation>&amp;Allgemein</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="303"/>
        <source> (default)</source>
        <translation> (Standard)</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="341"/>
        <source>New destination</source>
        <translation>Neues Ziel</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="386"/>
        <source>Queued uploads refer to the destination by its name, so it cannot be renamed.</source>
        <translation>Uploads in der Warteschlange verweisen über den Namen auf das Ziel; es kann daher nicht umbenannt werden.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="417"/>
        <source>Header name</source>
        <translation>Header-Name</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="420"/>
        <source>Header value</source>
        <translation>Header-Wert</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="423"/>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="510"/>
        <source>This template cannot be used: {error}</source>
        <translation>Diese Vorlage kann nicht verwendet werden: {error}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="513"/>
        <source>“beach photo.jpg” from the dropped folder “Pictures/Holiday 2024” is stored as:
{key}</source>
        <translation>„beach photo.jpg“ aus dem abgelegten Ordner „Pictures/Holiday 2024“ wird gespeichert als:
{key}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="532"/>
        <source>Testing…</source>
        <translation>Wird getestet…</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="540"/>
        <source>The connection works: a test file was uploaded in {seconds} s.</source>
        <translation>Die Verbindung funktioniert: Eine Testdatei wurde in {seconds} s hochgeladen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="545"/>
        <source>The connection test failed.</source>
        <translation>Der Verbindungstest ist fehlgeschlagen.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="552"/>
        <source>The connection test could not run: {error}</source>
        <translation>Der Verbindungstest konnte nicht ausgeführt werden: {error}</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="594"/>
        <source>Enter the access key ID and the secret access key.</source>
        <translation>Geben Sie die Zugangsschlüssel-ID und den geheimen Zugangsschlüssel ein.</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="624"/>
        <source>Settings not saved</source>
        <translation>Einstellungen nicht gespeichert</translation>
    </message>
    <message>
        <location filename="../../desktop_uploader/gui/settings_dialog.py" line="625"/>
        <source>The settings file could not be written: {error}</source>
        <translation>Die Einstellungsdatei konnte nicht geschrieben werden: {error}</translation>
    </message>
</context>
</TS>
